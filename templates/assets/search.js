/* Search every paper in the browser: lunr.js over the index the build made (site_src/search.py, shards.py).
   A query loads only the index shards its words fall in and the store chunks of the results it shows; lunr's
   own query code runs on a small index assembled from those shards, which ranks exactly as the whole index would.
   Results are built from DOM text nodes and <mark> elements, never from HTML strings. */
(function (factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api; // node: the parity test runs the same query code as the page
  } else if (typeof document !== "undefined") {
    api.start(document, window);
  }
})(function () {
  "use strict";

  var MAX_TERMS = 12;
  var KEY_LENGTH = 2; // shards.KEY_LENGTH: a prefix of fewer characters would need every shard of its first one
  var DEBOUNCE_MS = 150;
  var PANEL_RESULTS = 8;
  var PAGE_RESULTS = 50;
  // Mirrors query_terms in site_src/search.py.
  var SEPARATOR = /[\s\-:^~*+]+/;
  var EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;

  /** The plain words of what a reader typed: lowercased, split at spaces, hyphens and lunr syntax, edge punctuation dropped, each once. */
  function queryTerms(text) {
    var seen = [];
    String(text).toLowerCase().split(SEPARATOR).forEach(function (word) {
      var term = word.replace(EDGES, "");
      if (term && seen.indexOf(term) < 0) seen.push(term);
    });
    return seen.slice(0, MAX_TERMS);
  }

  function chars(text) { return Array.from(text); }  // code points, as Python slices strings

  /** The word searched as a prefix: the last one while it is being typed, once it has KEY_LENGTH characters. */
  function prefixWord(text, terms) {
    var last = terms[terms.length - 1];
    return last && !/\s$/.test(text) && chars(last).length >= KEY_LENGTH ? last : null;
  }

  /** Every word, stemmed, and the last one also as a prefix while it is being typed; never throws on syntax. */
  function runQuery(lunr, index, text) {
    var terms = queryTerms(text);
    if (!terms.length) return [];
    var prefix = prefixWord(text, terms);
    return index.query(function (q) {
      terms.forEach(function (term) { q.term(term); });
      if (prefix) q.term(prefix, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
    });
  }

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  /* The stemmer the index was built with: the `lunr` Python package's Porter stemmer (Martin Porter's reference
     algorithm), line for line. lunr.js 2.3.9's own stemmer differs on words ending in a vowel and "y" ("key",
     "survey", "display", "deploy": "kei" in the index, "key" in lunr.js), so a page using it finds no paper for
     them. useStemmer registers this one as lunr's "stemmer", which every index and query pipeline loads. */
  function stem(word) {
    if (!/[\uD800-\uDFFF]/.test(word)) return porter(word);
    // Python counts code points: stand each one outside the BMP in for a private-use character, and back
    var astral = [], text = Array.from(word).map(function (ch) {
      if (ch.length === 1) return ch;
      astral.push(ch);
      return String.fromCharCode(0xe000 + astral.length - 1);
    }).join("");
    return porter(text).replace(/[\ue000-\uf8ff]/g, function (ch) { return astral[ch.charCodeAt(0) - 0xe000] || ch; });
  }

  var STEP2 = { a: ["ational", "ate", "tional", "tion"], c: ["enci", "ence", "anci", "ance"], e: ["izer", "ize"],
    l: ["bli", "ble", "alli", "al", "entli", "ent", "eli", "e", "ousli", "ous"], o: ["ization", "ize", "ation", "ate", "ator", "ate"],
    s: ["alism", "al", "iveness", "ive", "fulness", "ful", "ousness", "ous"], t: ["aliti", "al", "iviti", "ive", "biliti", "ble"], g: ["logi", "log"] };
  var STEP3 = { e: ["icate", "ic", "ative", "", "alize", "al"], i: ["iciti", "ic"], l: ["ical", "ic", "ful", ""], s: ["ness", ""] };
  var STEP4 = { a: ["al"], c: ["ance", "ence"], e: ["er"], i: ["ic"], l: ["able", "ible"], n: ["ant", "ement", "ment", "ent"],
    o: ["ion", "ou"], s: ["ism"], t: ["ate", "iti"], u: ["ous"], v: ["ive"], z: ["ize"] };

  /** lunr.py's PorterStemmer.stem on a string of BMP characters: b is its buffer, k its end, j the offset. */
  function porter(word) {
    var b = word, k = b.length - 1, j = 0;
    if (k <= 1) return word;
    function cons(i) {
      var ch = b.charCodeAt(i);
      if (ch === 97 || ch === 101 || ch === 105 || ch === 111 || ch === 117) return false;
      if (ch === 121) return i === 0 ? true : !cons(i - 1);
      return true;
    }
    function m() {
      var n = 0, i = 0;
      for (;;) { if (i > j) return n; if (!cons(i)) break; i++; }
      i++;
      for (;;) {
        for (;;) { if (i > j) return n; if (cons(i)) break; i++; }
        i++;
        n++;
        for (;;) { if (i > j) return n; if (!cons(i)) break; i++; }
        i++;
      }
    }
    function vowelInStem() { for (var i = 0; i <= j; i++) if (!cons(i)) return true; return false; }
    function doublec(at) { return at >= 1 && b[at] === b[at - 1] && cons(at); }
    function cvc(i) {
      if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
      return b[i] !== "w" && b[i] !== "x" && b[i] !== "y";
    }
    function ends(s) {
      var n = s.length;
      if (s[n - 1] !== b[k] || n > k + 1 || b.substring(k - n + 1, k + 1) !== s) return false;
      j = k - n;
      return true;
    }
    function setto(s) {
      b = b.slice(0, j + 1) + s + b.slice(j + s.length + 1);
      k = j + s.length;
    }
    function r(s) { if (m() > 0) setto(s); }
    function before() { return b[k - 1 >= 0 ? k - 1 : b.length + k - 1]; } // Python's b[k - 1], from the end when k is 0
    function first(pairs) { // the first suffix that ends the word is replaced (if m() > 0); the others are not tried
      for (var i = 0; i < pairs.length; i += 2) if (ends(pairs[i])) { r(pairs[i + 1]); return; }
    }
    // step 1ab
    if (b[k] === "s") {
      if (ends("sses")) k -= 2;
      else if (ends("ies")) setto("i");
      else if (before() !== "s") k -= 1;
    }
    if (ends("eed")) {
      if (m() > 0) k -= 1;
    } else if ((ends("ed") || ends("ing")) && vowelInStem()) {
      k = j;
      if (ends("at")) setto("ate");
      else if (ends("bl")) setto("ble");
      else if (ends("iz")) setto("ize");
      else if (doublec(k)) { k -= 1; if (b[k] === "l" || b[k] === "s" || b[k] === "z") k += 1; }
      else if (m() === 1 && cvc(k)) setto("e");
    }
    // step 1c
    if (ends("y") && vowelInStem()) b = b.slice(0, k) + "i" + b.slice(k + 1);
    // steps 2 and 3
    if (has(STEP2, before())) first(STEP2[before()]);
    if (has(STEP3, b[k])) first(STEP3[b[k]]);
    // step 4
    var suffixes = has(STEP4, before()) ? STEP4[before()] : [], cut = false;
    for (var s = 0; s < suffixes.length; s++) {
      if (!ends(suffixes[s])) continue;
      cut = suffixes[s] !== "ion" || b[j] === "s" || b[j] === "t";
      break;
    }
    if (cut && m() > 1) k = j;
    // step 5
    j = k;
    if (b[k] === "e") { var a = m(); if (a > 1 || (a === 1 && !cvc(k - 1))) k -= 1; }
    if (b[k] === "l" && doublec(k) && m() > 1) k -= 1;
    return b.slice(0, k + 1);
  }

  function indexStemmer(token) { return token.update(stem); }

  /** Makes lunr's registered "stemmer" the index's own (stem), for every pipeline loaded from then on. */
  function useStemmer(lunr) {
    if (lunr.Pipeline.registeredFunctions.stemmer !== indexStemmer) {
      indexStemmer.label = "stemmer";
      lunr.Pipeline.registeredFunctions.stemmer = indexStemmer;
    }
    return lunr;
  }

  /** lunr's pipeline for query words: the index's stemmer. */
  function stemming(lunr) { return useStemmer(lunr).Pipeline.load(["stemmer"]); }

  /** The key of the shard that holds an index term: its first characters, one more while that key is split. */
  function termKey(manifest, term) {
    var all = chars(term), n = Math.min(manifest.key, all.length), key = all.slice(0, n).join("");
    while (n < all.length && manifest.split.indexOf(key) >= 0) key = all.slice(0, ++n).join("");
    return key;
  }

  /** The keys of the shards that hold every term starting with prefix. */
  function prefixKeys(manifest, prefix) {
    var key = termKey(manifest, prefix);
    if (manifest.split.indexOf(key) < 0) return [key];
    return Object.keys(manifest.shards).filter(function (k) { return k.slice(0, key.length) === key; });
  }

  /** The index terms a query can match: its words as the index's search pipeline (the stemmer) makes them, and the typed prefix. */
  function wanted(lunr, text) {
    var terms = queryTerms(text), exact = Object.create(null);
    var pipeline = stemming(lunr);
    terms.forEach(function (word) {
      pipeline.runString(word).forEach(function (term) { exact[term] = true; });
    });
    var prefix = prefixWord(text, terms);
    return { exact: exact, prefix: prefix, has: function (term) { return exact[term] === true || (prefix !== null && term.slice(0, prefix.length) === prefix); } };
  }

  /** The manifest as search.js uses it: manifest.json with "shards" (a list of [file, [key, ...]]) as key → file. */
  function readManifest(json) {
    var byKey = function (groups) {
      var shards = Object.create(null);
      groups.forEach(function (group) { group[1].forEach(function (key) { shards[key] = group[0]; }); });
      return shards;
    };
    return { fields: json.fields, words: json.words || null, papers: json.papers, key: json.key, shards: byKey(json.shards), split: json.split,
             store: json.store, positions: json.positions || null };
  }

  /** The position manifest (the file manifest "positions" names) as termKey reads it, with the manifest's key length. */
  function readPositions(manifest, json) {
    var shards = Object.create(null);
    json.shards.forEach(function (group) { group[1].forEach(function (key) { shards[key] = group[0]; }); });
    return { key: manifest.key, fields: json.fields, shards: shards, split: json.split };
  }

  /** The files a query loads: those of its shards, each once (small shards share a file), sorted. */
  function shardFiles(lunr, manifest, text) {
    var files = shardKeys(lunr, manifest, text).map(function (key) { return manifest.shards[key]; });
    return files.filter(function (file, i) { return files.indexOf(file) === i; }).sort();
  }

  /** The shards a query needs, by key, sorted. */
  function shardKeys(lunr, manifest, text) {
    var want = wanted(lunr, text), keys = {};
    Object.keys(want.exact).forEach(function (term) { keys[termKey(manifest, term)] = true; });
    if (want.prefix) prefixKeys(manifest, want.prefix).forEach(function (key) { keys[key] = true; });
    return Object.keys(keys).filter(function (key) { return has(manifest.shards, key); }).sort();
  }

  /** A lunr index of the terms text can match in shards (lists of [term, _index, docs, weights, ...]), with every
      term's own `_index` and each document's field vectors cut down to these terms: scores are the whole index's. */
  function assemble(lunr, manifest, shards, text) {
    var fields = manifest.fields, inverted = [], vectors = Object.create(null), want = wanted(lunr, text);
    shards.forEach(function (entries) {
      entries.forEach(function (entry) {
        if (!want.has(entry[0])) return;
        var term = entry[0], at = entry[1], posting = { _index: at };
        fields.forEach(function (field, f) {
          var deltas = entry[2 + 2 * f], weights = entry[3 + 2 * f], refs = {}, doc = 0;
          for (var i = 0; i < deltas.length; i++) {
            doc += deltas[i];
            refs[doc] = {};
            var ref = field + "/" + doc;
            (vectors[ref] || (vectors[ref] = [])).push([at, weights[i] / 1000]);
          }
          posting[field] = refs;
        });
        inverted.push([term, posting]);
      });
    });
    inverted.sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; });
    useStemmer(lunr);
    var fieldVectors = Object.keys(vectors).map(function (ref) {
      var elements = [];
      vectors[ref].sort(function (a, b) { return a[0] - b[0]; }).forEach(function (pair) { elements.push(pair[0], pair[1]); });
      return [ref, elements];
    });
    return lunr.Index.load({ version: lunr.version, fields: fields, fieldVectors: fieldVectors, invertedIndex: inverted, pipeline: ["stemmer"] });
  }

  /* The scorer: exactly what lunr's Index.query returns for runQuery's clauses (every clause OPTIONAL, boost 1,
     all fields, no edit distance), computed from the shard arrays with typed arrays and plain loops instead of
     lunr's per-match objects. Each step follows lunr 2.3.9 (Index.prototype.query, Vector, TokenSet), including
     the order of its floating-point additions:
     - a clause matches its stemmed words where the index has them; the trailing-wildcard clause matches every
       index term with the prefix, in the order TokenSet#intersect(...).toArray() lists them (expansionOrder);
     - the query vector of every field holds, per matched term index, 1 per (clause, term) match; its magnitude
       sums squares in ascending term index;
     - a field's score is dot(query vector, field vector) / magnitude, the dot product summed in ascending term
       index; a paper's score adds its field scores in the order lunr first met each "field/ref" key: clause
       order, then expanded-term order, field order, ascending paper number;
     - results are in the order papers were first met, then stably sorted by score, highest first. */

  /** Position of an edge among a TokenSet node's Object.keys: "0".."9" are integer-like keys and come first,
      the other characters follow in insertion order, which is sorted (lunr.TokenSet.Builder inserts sorted terms). */
  function edgeRank(code) { return code >= 48 && code <= 57 ? code - 65536 : code; }

  /** Order of the terms a trailing wildcard expands to: toArray pops a stack, so a node's term comes before its
      children's and children come in reverse edge order. */
  function expansionOrder(a, b) {
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i), y = b.charCodeAt(i);
      if (x !== y) return edgeRank(y) - edgeRank(x);
    }
    return a.length - b.length;
  }

  /** A shard entry's postings, per field: paper numbers (ascending) and weights as lunr's field vectors hold them. */
  function postings(entry, nFields) {
    var fields = [];
    for (var f = 0; f < nFields; f++) {
      var deltas = entry[2 + 2 * f], weights = entry[3 + 2 * f], n = deltas.length;
      var docs = new Int32Array(n), values = new Float64Array(n), doc = 0;
      for (var i = 0; i < n; i++) {
        doc += deltas[i];
        docs[i] = doc;
        values[i] = weights[i] / 1000; // the double lunr's JSON "0.123" parses to
      }
      fields.push({ docs: docs, weights: values });
    }
    return { term: entry[0], index: entry[1], fields: fields };
  }

  function contains(sorted, value) {
    var lo = 0, hi = sorted.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (sorted[mid] < value) lo = mid + 1;
      else if (sorted[mid] > value) hi = mid - 1;
      else return true;
    }
    return false;
  }

  /** A result as lunr gives it: ref, score, and matchData.metadata (term → field → {}), built when read. Each query
      makes its own kind of Match (score's Result) whose prototype holds what its results share: matched terms, fields. */
  function Match() {}

  Object.defineProperty(Match.prototype, "ref", { get: function () { return String(this._doc); } });

  Object.defineProperty(Match.prototype, "matchData", {
    get: function () {
      var metadata = Object.create(null), doc = this._doc, fields = this._fields;
      this._matched.forEach(function (p) {
        for (var f = 0; f < fields.length; f++) {
          if (contains(p.fields[f].docs, doc)) (metadata[p.term] || (metadata[p.term] = Object.create(null)))[fields[f]] = {};
        }
      });
      return { metadata: metadata };
    }
  });

  /** Positions 0..n-1 ordered by scores, highest first, equal scores by position: what Array#sort (stable) does
      with lunr's comparator, b.score - a.score. Scores are doubles >= 0, whose bits order as the numbers do, so a
      stable radix sort of the complemented bits (16 at a time, low to high) gives that order; a comparator sort of
      tens of thousands of results takes longer than all the scoring. */
  function rankByScore(scores) {
    var n = scores.length, words = new Uint32Array(scores.buffer, scores.byteOffset, 2 * n);
    var high = new Uint32Array(1); high[0] = 1; // which word of a double holds its high bits: the platform's byte order
    var hi = new Uint8Array(high.buffer)[0] === 1 ? 1 : 0;
    var ranked = new Int32Array(n), other = new Int32Array(n), count = new Int32Array(65537);
    for (var r = 0; r < n; r++) ranked[r] = r;
    for (var pass = 0; pass < 4; pass++) {
      var word = pass < 2 ? 1 - hi : hi, shift = pass % 2 ? 16 : 0;
      count.fill(0);
      for (var i = 0; i < n; i++) count[((~words[2 * ranked[i] + word] >>> shift) & 0xffff) + 1]++;
      if (count[((~words[2 * ranked[0] + word] >>> shift) & 0xffff) + 1] === n) continue; // one digit: order unchanged
      for (var d = 0; d < 65536; d++) count[d + 1] += count[d];
      for (var j = 0; j < n; j++) {
        var at = ranked[j];
        other[count[(~words[2 * at + word] >>> shift) & 0xffff]++] = at;
      }
      var swap = ranked; ranked = other; other = swap;
    }
    return ranked;
  }

  var work = { size: -1 }; // per-cell and per-paper arrays, kept between queries and left zeroed after each

  function workspace(nDocs, nFields) {
    if (work.size !== nDocs * nFields) {
      work = { size: nDocs * nFields, cells: new Uint8Array(nDocs * nFields), dot: new Float64Array(nDocs * nFields),
               met: new Uint8Array(nDocs), total: new Float64Array(nDocs) };
    }
    return work;
  }

  /** runQuery's results for text, computed from shards (lists of [term, _index, docs, weights, ...]) without lunr's index. */
  function score(lunr, manifest, shards, text) {
    var terms = queryTerms(text);
    if (!terms.length) return [];
    var fields = manifest.fields, nFields = fields.length, nDocs = manifest.papers;
    var prefix = prefixWord(text, terms), pipeline = stemming(lunr);
    var stemmed = terms.map(function (word) { return pipeline.runString(word); }), exact = Object.create(null);
    stemmed.forEach(function (list) { list.forEach(function (term) { exact[term] = true; }); });
    var found = Object.create(null), prefixed = [];
    shards.forEach(function (entries) {
      entries.forEach(function (entry) {
        var term = entry[0], isPrefixed = prefix !== null && term.slice(0, prefix.length) === prefix;
        if ((exact[term] !== true && !isPrefixed) || found[term]) return;
        found[term] = postings(entry, nFields);
        if (isPrefixed) prefixed.push(term);
      });
    });
    // The matched terms, clause by clause, and the query vector: per term index, how often a clause matched it.
    var sequence = [];
    stemmed.forEach(function (list) { list.forEach(function (term) { if (found[term]) sequence.push(found[term]); }); });
    if (prefix !== null) prefixed.sort(expansionOrder).forEach(function (term) { sequence.push(found[term]); });
    if (!sequence.length) return [];
    var distinct = [], counts = new Map();
    sequence.forEach(function (p) {
      if (!counts.has(p.index)) distinct.push(p);
      counts.set(p.index, (counts.get(p.index) || 0) + 1);
    });
    distinct.sort(function (a, b) { return a.index - b.index; });
    var sumOfSquares = 0;
    distinct.forEach(function (p) { var c = counts.get(p.index); sumOfSquares += c * c; });
    var magnitude = Math.sqrt(sumOfSquares);
    // "field/ref" keys (cell = paper × nFields + field) in the order lunr inserts them into matchingFields.
    var w = workspace(nDocs, nFields), cells = w.cells, dot = w.dot, met = w.met, total = w.total;
    var keys = [], matched = new Set();
    sequence.forEach(function (p) {
      if (matched.has(p)) return; // lunr's termFieldCache
      matched.add(p);
      for (var f = 0; f < nFields; f++) {
        var docs = p.fields[f].docs;
        for (var i = 0; i < docs.length; i++) {
          var cell = docs[i] * nFields + f;
          if (!cells[cell]) { cells[cell] = 1; keys.push(cell); }
        }
      }
    });
    // Dot products, each cell's sum in ascending term index.
    distinct.forEach(function (p) {
      var c = counts.get(p.index);
      for (var f = 0; f < nFields; f++) {
        var docs = p.fields[f].docs, weights = p.fields[f].weights;
        for (var i = 0; i < docs.length; i++) dot[docs[i] * nFields + f] += c * weights[i];
      }
    });
    // Paper scores: field scores added in key order; papers in the order first met.
    var order = [];
    for (var k = 0; k < keys.length; k++) {
      var cell = keys[k], s = dot[cell] / magnitude || 0, doc = (cell / nFields) | 0;
      cells[cell] = 0;
      dot[cell] = 0;
      if (met[doc]) total[doc] += s;
      else { met[doc] = 1; total[doc] = s; order.push(doc); }
    }
    var n = order.length, scores = new Float64Array(n);
    for (var r = 0; r < n; r++) {
      scores[r] = total[order[r]];
      met[order[r]] = 0;
      total[order[r]] = 0;
    }
    var ranked = rankByScore(scores);
    function Result(doc, value) { this._doc = doc; this.score = value; }
    Result.prototype = Object.create(Match.prototype);
    Result.prototype._matched = Array.from(matched);
    Result.prototype._fields = fields;
    var results = new Array(n);
    for (var j = 0; j < n; j++) results[j] = new Result(order[ranked[j]], scores[ranked[j]]);
    return results;
  }

  /* What a reader asks for, on top of the clauses runQuery sends (which the scorer ranks exactly as lunr does):
     - every word: a paper must have each word that is not a stop word (the index leaves those out), stemmed, in
       any field, the last one also as a prefix while it is typed: what lunr's REQUIRED presence keeps, in
       lunr's order; when no paper has them all, the papers with some of them, most words first, then lunr's order;
     - typos: a word of 4+ characters that matches no index term is replaced by the spelling one edit away whose
       stem the most papers have (edits keep the word's first two characters, or swap neighbours, so the shards
       a correction needs are those of the word's own start);
     - quoted phrases: the papers with every word that also have each phrase, word after word, in the title or
       the abstract, checked against the term positions in the manifest's position shards (loaded only then). */

  var ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  var MIN_TYPO_LENGTH = 4;
  var TYPO_PAPERS = 3; // a word fewer papers have than this may be a typo ...
  var TYPO_GAIN = 10; // ... when a spelling one edit away is in this many times as many papers
  var PHRASE = /"([^"]*)"/g;

  function isStopWord(lunr, word) { return !lunr.stopWordFilter(new lunr.Token(word, {})); }

  /** The words a paper must have: queryTerms less stop words and less a last word still too short to be a prefix
      ("speech r" while typing), each with the index terms that satisfy it. A word
      that `also` maps to another (a correction searched beside a rare spelling) satisfies that one's place. */
  function requiredWords(lunr, text, also) {
    var terms = queryTerms(text), prefix = prefixWord(text, terms), pipeline = stemming(lunr);
    var typing = terms.length && !/\s$/.test(text) && chars(terms[terms.length - 1]).length < KEY_LENGTH ? terms[terms.length - 1] : null;
    var words = terms.filter(function (word) { return !isStopWord(lunr, word) && word !== typing; }).map(function (word) {
      return { word: word, stems: pipeline.runString(word), prefix: word === prefix ? word : null };
    });
    if (!also) return words;
    var byWord = Object.create(null);
    words.forEach(function (w) { byWord[w.word] = w; });
    return words.filter(function (w) {
      var place = has(also, w.word) && byWord[also[w.word]];
      if (!place) return true;
      place.stems = place.stems.concat(w.stems);
      place.prefix = place.prefix || w.prefix;
      return false;
    });
  }

  function satisfies(word, term) {
    return word.stems.indexOf(term) >= 0 || (word.prefix !== null && term.slice(0, word.prefix.length) === word.prefix);
  }

  /** Per paper, a bit per required word it has in its own text (the fields of manifest "words", not its topic
      labels); per word, whether any paper has it there. */
  function wordMasks(manifest, shards, words) {
    var own = manifest.fields.map(function (field) { return !manifest.words || manifest.words.indexOf(field) >= 0; });
    var nFields = manifest.fields.length, masks = new Uint32Array(manifest.papers);
    var present = words.map(function () { return false; }), seen = Object.create(null);
    shards.forEach(function (entries) {
      entries.forEach(function (entry) {
        if (seen[entry[0]]) return;
        seen[entry[0]] = true;
        words.forEach(function (word, i) {
          if (!satisfies(word, entry[0])) return;
          for (var f = 0; f < nFields; f++) {
            var deltas = entry[2 + 2 * f], doc = 0;
            if (!own[f]) continue;
            present[i] = present[i] || deltas.length > 0;
            for (var j = 0; j < deltas.length; j++) { doc += deltas[j]; masks[doc] |= 1 << i; }
          }
        });
      });
    });
    return { masks: masks, present: present };
  }

  function bits(n) { var c = 0; for (; n; n &= n - 1) c++; return c; }

  /** The ranked papers for text from its shards: those with every word, else those with some (all: false). */
  function find(lunr, manifest, shards, text, also) {
    var words = requiredWords(lunr, text, also), results = score(lunr, manifest, shards, text);
    if (!words.length) return { results: results, all: true };
    // Every word in the paper's own text: its topic labels rank it, but never let it in.
    var m = wordMasks(manifest, shards, words), full = (1 << words.length) - 1;
    var all = results.filter(function (r) { return m.masks[r._doc] === full; });
    if (all.length || words.length === 1) return { results: all, all: true };
    var some = results.map(function (r, i) { return [bits(m.masks[r._doc]), i, r]; });
    some.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return { results: some.map(function (s) { return s[2]; }), all: false };
  }

  /** The required words of text that look mistyped: 4+ characters, not a number, and in fewer than TYPO_PAPERS
      papers (a typo in one abstract makes a word an index term), each with how many papers have it. */
  function unmatchedWords(lunr, manifest, shards, text) {
    var words = requiredWords(lunr, text), masks = wordMasks(manifest, shards, words).masks, counts = words.map(function () { return 0; });
    for (var d = 0; d < masks.length; d++) if (masks[d]) for (var i = 0; i < words.length; i++) if (masks[d] & (1 << i)) counts[i]++;
    return words.map(function (w, i) { return { word: w.word, papers: counts[i] }; }).filter(function (w) {
      return w.papers < TYPO_PAPERS && chars(w.word).length >= MIN_TYPO_LENGTH && !/^[0-9]+$/.test(w.word);
    });
  }

  /** Spellings one edit from word: neighbours swapped, or a character deleted, replaced or inserted after the second. */
  function variants(word) {
    var c = chars(word), n = c.length, out = new Set(), i, a;
    var cut = function (from, to) { return c.slice(from, to).join(""); };
    var head = [], tail = [];
    for (i = 0; i <= n; i++) { head.push(cut(0, i)); tail.push(cut(i, n)); }
    for (i = 0; i + 1 < n; i++) if (c[i] !== c[i + 1]) out.add(head[i] + c[i + 1] + c[i] + tail[i + 2]);
    for (i = 2; i < n; i++) out.add(head[i] + tail[i + 1]);
    for (i = 2; i < n; i++) for (a = 0; a < ALPHABET.length; a++) if (ALPHABET[a] !== c[i]) out.add(head[i] + ALPHABET[a] + tail[i + 1]);
    for (i = 2; i <= n; i++) for (a = 0; a < ALPHABET.length; a++) out.add(head[i] + ALPHABET[a] + tail[i]);
    out.delete(word);
    return Array.from(out);
  }

  var spelled = new Map(); // word → its spellings: a query looks them up twice (files, then correction), typing more

  /** Each variant of word with the index term it stems to. */
  function spellings(lunr, word) {
    if (!spelled.has(word)) {
      var pipeline = stemming(lunr);
      if (spelled.size > 64) spelled.clear();
      spelled.set(word, variants(word).map(function (v) { return { word: v, term: pipeline.runString(v)[0] }; }).filter(function (s) { return s.term; }));
    }
    return spelled.get(word);
  }

  /** The shard files that hold the terms words' spellings stem to. */
  function typoFiles(lunr, manifest, words) {
    var files = {};
    words.forEach(function (word) {
      spellings(lunr, word).forEach(function (s) {
        var key = termKey(manifest, s.term);
        if (has(manifest.shards, key)) files[manifest.shards[key]] = true;
      });
    });
    return Object.keys(files).sort();
  }

  /** The spelling of word (one edit away) whose term the most papers have, if at least TYPO_GAIN times as many as
      have the word itself (any, for a word no paper has); null when there is none in shards. */
  function correction(lunr, manifest, shards, word, papers) {
    var entries = Object.create(null), nFields = manifest.fields.length, best = null;
    shards.forEach(function (list) { list.forEach(function (entry) { entries[entry[0]] = entry; }); });
    spellings(lunr, word).forEach(function (s) {
      var entry = entries[s.term];
      if (!entry) return;
      var docs = new Set();
      for (var f = 0; f < nFields; f++) { var deltas = entry[2 + 2 * f], doc = 0; for (var i = 0; i < deltas.length; i++) docs.add(doc += deltas[i]); }
      var n = docs.size;
      if (n >= Math.max(1, TYPO_GAIN * papers) && (!best || n > best.papers || (n === best.papers && s.word < best.word))) best = { word: s.word, papers: n };
    });
    return best && best.word;
  }

  /** text with each word (as queryTerms reads it) that corrections names replaced (or, where keep names it, followed
      by its correction), quotes and spacing kept. */
  function corrected(text, corrections, keep) {
    return String(text).split(/([\s\-:^~*+]+)/).map(function (piece, i) {
      if (i % 2) return piece;
      var core = piece.replace(EDGES, ""), word = core.toLowerCase(), fix = has(corrections, word) && corrections[word];
      return fix && core ? piece.replace(core, keep && keep[word] ? core + " " + fix : fix) : piece;
    }).join("");
  }

  /** The quoted phrases of text, each as index terms by position (null where a stop word or nothing stands). */
  function phrases(lunr, text) {
    var found = [], match, pipeline = stemming(lunr);
    PHRASE.lastIndex = 0;
    while ((match = PHRASE.exec(String(text))) !== null) {
      var tokens = match[1].toLowerCase().split(lunr.tokenizer.separator).filter(Boolean).map(function (token) {
        var word = lunr.trimmer(new lunr.Token(token, {})).toString();
        return word && !isStopWord(lunr, word) ? pipeline.runString(word)[0] || null : null;
      });
      while (tokens.length && tokens[tokens.length - 1] === null) tokens.pop();
      while (tokens.length && tokens[0] === null) tokens.shift();
      if (tokens.filter(Boolean).length > 1) found.push({ text: match[1].trim(), terms: tokens });
    }
    return found;
  }

  /** The position files the phrases need, from the position manifest (readPositions). */
  function phraseFiles(pm, list) {
    var files = {};
    list.forEach(function (p) {
      p.terms.forEach(function (term) {
        var key = term && termKey(pm, term);
        if (key && has(pm.shards, key)) files[pm.shards[key]] = true;
      });
    });
    return Object.keys(files).sort();
  }

  /** Position entries by term: [term, docs, positions, docs, positions] for the title and the abstract, docs
      delta-encoded, each paper's positions delta-encoded. Returns term → field → paper → Set of positions. */
  function positionsOf(shards, wanted) {
    var out = Object.create(null);
    shards.forEach(function (entries) {
      entries.forEach(function (entry) {
        if (!wanted[entry[0]] || out[entry[0]]) return;
        var fields = [];
        for (var f = 0; f < (entry.length - 1) / 2; f++) {
          var docs = entry[1 + 2 * f], lists = entry[2 + 2 * f], byDoc = new Map(), doc = 0;
          for (var i = 0; i < docs.length; i++) {
            doc += docs[i];
            var at = 0, set = new Set();
            lists[i].forEach(function (d) { at += d; set.add(at); });
            byDoc.set(doc, set);
          }
          fields.push(byDoc);
        }
        out[entry[0]] = fields;
      });
    });
    return out;
  }

  /** Whether paper doc has the phrase, term after term, within one field. */
  function hasPhrase(positions, phrase, doc) {
    var first = phrase.terms[0], fields = positions[first];
    if (!fields) return false;
    return fields.some(function (byDoc, f) {
      var starts = byDoc.get(doc);
      if (!starts) return false;
      for (var start of starts) {
        var ok = phrase.terms.every(function (term, k) {
          if (term === null) return true;
          var at = positions[term] && positions[term][f].get(doc);
          return at !== undefined && at.has(start + k);
        });
        if (ok) return true;
      }
      return false;
    });
  }

  /** The results that have every phrase. */
  function withPhrases(results, positionShards, list) {
    var wanted = Object.create(null);
    list.forEach(function (p) { p.terms.forEach(function (t) { if (t) wanted[t] = true; }); });
    var positions = positionsOf(positionShards, wanted);
    return results.filter(function (r) { return list.every(function (p) { return hasPhrase(positions, p, r._doc); }); });
  }

  /** Appends text to parent, wrapping each word whose stem is among the matched index terms in <mark>. */
  function appendHighlighted(lunr, parent, text, matched) {
    var doc = parent.ownerDocument;
    var plain = "";
    text.split(/([\s\-]+)/).forEach(function (piece, i) {
      var core = i % 2 ? "" : piece.replace(EDGES, "");
      var stemmed = core ? stem(core.toLowerCase()) : "";
      if (!core || !Object.prototype.hasOwnProperty.call(matched, stemmed)) {
        plain += piece;
        return;
      }
      var start = piece.indexOf(core);
      plain += piece.slice(0, start);
      if (plain) parent.appendChild(doc.createTextNode(plain));
      var mark = doc.createElement("mark");
      mark.textContent = core;
      parent.appendChild(mark);
      plain = piece.slice(start + core.length);
    });
    if (plain) parent.appendChild(doc.createTextNode(plain));
  }

  function loadScript(doc, src) {
    return new Promise(function (resolve, reject) {
      var script = doc.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + src)); };
      doc.head.appendChild(script);
    });
  }

  function fetchJSON(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
  }

  /** The manifest's shards and store chunks, each fetched once per page and only when a query needs it. */
  function Search(lunr, manifest, base) {
    this.lunr = useStemmer(lunr);
    this.manifest = manifest;
    this.base = base;
    this.files = {};
  }

  Search.prototype.fetch = function (name) {
    var files = this.files;
    if (!files[name]) {
      files[name] = fetchJSON(new URL(name, this.base).href);
      files[name].catch(function () { delete files[name]; }); // let a later keystroke try again
    }
    return files[name];
  };

  Search.prototype.load = function (files) {
    var self = this;
    return Promise.all(files.map(function (file) { return self.fetch(file); }));
  };

  /** What the page shows for text: {results, query (what was searched), notice}. A word no paper has is replaced
      by its correction; a word one or two papers have is searched beside its correction (either will do). Phrases
      then keep the papers that have them. */
  Search.prototype.query = function (text) {
    var self = this, lunr = this.lunr, manifest = this.manifest, asked = text, also = null, shownAs = text;
    return this.load(shardFiles(lunr, manifest, text)).then(function (shards) {
      var wrong = unmatchedWords(lunr, manifest, shards, text);
      if (!wrong.length) return text;
      return self.load(typoFiles(lunr, manifest, wrong.map(function (w) { return w.word; }))).then(function (typoShards) {
        var fixes = {}, keep = {};
        wrong.forEach(function (w) {
          var fix = correction(lunr, manifest, typoShards, w.word, w.papers);
          if (!fix) return;
          fixes[w.word] = fix;
          if (w.papers) { keep[w.word] = true; (also = also || {})[fix] = w.word; }
        });
        shownAs = corrected(text, fixes);
        return corrected(text, fixes, keep);
      });
    }).then(function (query) {
      text = query;
      return self.load(shardFiles(lunr, manifest, text));
    }).then(function (shards) {
      var found;
      try {
        found = find(lunr, manifest, shards, text, also);
      } catch (error) {
        // lunr's own query, on the index assembled from the same shards, is the reference the scorer reproduces.
        try {
          found = { results: runQuery(lunr, assemble(lunr, manifest, shards, text), text), all: false };
        } catch (again) {
          found = { results: [], all: true }; // queryTerms leaves lunr nothing to reject; this is a last guard
        }
      }
      var fixed = shownAs === asked ? "" : "Showing results for \u201c" + shownAs.trim() + "\u201d" + (also ? " as well." : ".");
      var notice = function (more) { return [fixed, more].filter(Boolean).join(" "); };
      // phrases as the reader sees them corrected: a rare spelling searched beside its correction is no phrase word
      var list = phrases(lunr, shownAs), words = requiredWords(lunr, shownAs).map(function (w) { return w.word; }).join(" ");
      if (!found.all) return { results: found.results, query: text, notice: notice("No paper has all of \u201c" + words + "\u201d; papers with some of them:") };
      if (!list.length || !found.results.length || !manifest.positions) return { results: found.results, query: text, notice: notice("") };
      return self.fetch(manifest.positions).then(function (json) {
        return self.load(phraseFiles(readPositions(manifest, json), list));
      }).then(function (positionShards) {
        var matched = withPhrases(found.results, positionShards, list);
        if (matched.length) return { results: matched, query: text, notice: notice("") };
        var quoted = list.map(function (p) { return "\u201c" + p.text + "\u201d"; }).join(", ");
        return { results: found.results, query: text, notice: notice("No paper has the phrase " + quoted + "; papers with all of its words:") };
      });
    });
  };

  /** What the results with these refs (paper numbers) show, from the store chunks they fall in. */
  Search.prototype.papers = function (refs) {
    var self = this, store = this.manifest.store;
    var chunks = refs.map(function (ref) { return Math.floor(Number(ref) / store.chunk); });
    return Promise.all(chunks.map(function (c) { return self.fetch(store.files[c]); })).then(function (lists) {
      return refs.map(function (ref, i) { return lists[i][Number(ref) % store.chunk]; });
    });
  };

  var loaded = null;
  /** lunr.js and the manifest, fetched once per page, on first use (the manifest revalidated: its name is fixed). */
  function load(form, win) {
    if (loaded) return loaded;
    var manifest = new URL(form.getAttribute("data-search-manifest"), win.location.href).href;
    var script = win.lunr ? Promise.resolve() : loadScript(win.document, new URL(form.getAttribute("data-search-lunr"), win.location.href).href);
    var fetched = fetch(manifest, { cache: "no-cache" }).then(function (response) {
      if (!response.ok) throw new Error(manifest + ": " + response.status);
      return response.json();
    });
    loaded = Promise.all([script, fetched]).then(function (parts) { return new Search(win.lunr, readManifest(parts[1]), manifest); });
    loaded.catch(function () { loaded = null; }); // let a later keystroke try again
    return loaded;
  }

  function element(doc, tag, className, text) {
    var node = doc.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function resultItem(doc, search, root, result, paper) {
    var matched = result.matchData.metadata;
    var item = element(doc, "li", "paper");
    var link = element(doc, "a", "title");
    link.setAttribute("href", root + paper.u);
    appendHighlighted(search.lunr, link, paper.t, matched);
    item.appendChild(link);
    var chips = element(doc, "p", "chips");
    paper.k.forEach(function (label) { chips.appendChild(element(doc, "span", "chip", label)); });
    item.appendChild(chips);
    var snippet = element(doc, "p", "summary");
    appendHighlighted(search.lunr, snippet, paper.s, matched);
    item.appendChild(snippet);
    return item;
  }

  function setStatus(doc, status, text, link) {
    status.textContent = text;
    if (link) {
      status.appendChild(doc.createTextNode(" "));
      var a = element(doc, "a", "", link.text);
      a.setAttribute("href", link.href);
      status.appendChild(a);
      status.appendChild(doc.createTextNode("."));
    }
  }

  /** One search box and the list it fills: the header's dropdown panel, or the search page's results. */
  function Widget(form, win) {
    var doc = win.document;
    this.form = form;
    this.win = win;
    this.input = form.querySelector("input[type=search]");
    this.list = doc.getElementById(this.input.getAttribute("aria-controls"));
    this.status = doc.getElementById(this.input.getAttribute("aria-describedby"));
    this.panel = this.list.closest(".search-panel");
    this.root = form.getAttribute("data-search-root");
    this.timer = null;
    this.shown = "";
    this.committed = true;  // the URL holds a query the reader asked for: the next change pushes
    this.more = this.panel ? null : doc.getElementById(this.list.id + "-more");
    this.answer = null;  // the shown query's {results, query, notice}
    this.limit = 0;  // results shown
  }

  Widget.prototype.show = function (text, limit) {
    var self = this;
    var doc = this.win.document;
    this.shown = text;
    this.answer = null;
    if (this.more) this.more.hidden = true;
    if (!queryTerms(text).length) {
      this.list.replaceChildren();
      setStatus(doc, this.status, this.panel ? "" : "Type words to search the titles, abstracts, topics and authors of every paper.");
      this.toggle(false);
      return Promise.resolve();
    }
    var search, answer;
    limit = this.panel ? PANEL_RESULTS : Math.max(PAGE_RESULTS, limit || 0);
    return load(this.form, this.win).then(function (loaded) {
      search = loaded;
      return self.shown === text ? search.query(text) : { results: [] };
    }).then(function (found) {
      answer = found;
      return self.shown === text ? search.papers(answer.results.slice(0, limit).map(function (r) { return r.ref; })) : [];
    }).then(function (papers) {
      if (self.shown !== text) return; // a newer query is on its way
      var results = answer.results;
      var items = papers.map(function (paper, i) { return resultItem(doc, search, self.root, results[i], paper); });
      self.list.replaceChildren.apply(self.list, items);
      self.list.setAttribute("data-query", text); // which query the list answers (typing runs several)
      self.answer = answer;
      self.search = search;
      self.limit = items.length;
      var topics = { text: "Browse the topics", href: self.form.getAttribute("data-search-topics") };
      if (!results.length) {
        setStatus(doc, self.status, "No results for \u201c" + text.trim() + "\u201d.", topics);
      } else if (self.panel) {
        var more = { text: "All " + results.length + " results", href: self.form.getAttribute("data-search-page") + "?q=" + encodeURIComponent(text.trim()) };
        setStatus(doc, self.status, self.counted(), more);
      } else {
        self.counted();
      }
      self.toggle(true);
    }).catch(function () {
      if (self.shown !== text) return;
      self.list.replaceChildren();
      setStatus(doc, self.status, "Search could not load its index.", { text: "Browse the topics", href: self.form.getAttribute("data-search-topics") });
      self.toggle(true);
    });
  };

  /** The status line for the results shown: the notice (a correction, a fallback), how many papers, how many shown;
      and the "Show more" button, when more are left. Returns the line. */
  Widget.prototype.counted = function () {
    var total = this.answer.results.length, shown = this.limit;
    var count = total === 1 ? "1 paper." : total + " papers" + (shown < total && !this.panel ? "; " + shown + " shown." : ".");
    var line = (this.answer.notice ? this.answer.notice + " " : "") + count;
    if (!this.panel) {
      setStatus(this.win.document, this.status, line);
      if (this.more) {
        this.more.hidden = shown >= total;
        this.more.textContent = "Show " + Math.min(PAGE_RESULTS, total - shown) + " more";
      }
    }
    return line;
  };

  /** The next PAGE_RESULTS results, appended; focus goes to the first of them, and the URL keeps how many are shown. */
  Widget.prototype.showMore = function () {
    var self = this, answer = this.answer, search = this.search, from = this.limit, doc = this.win.document;
    if (!answer) return Promise.resolve();
    var refs = answer.results.slice(from, from + PAGE_RESULTS);
    return search.papers(refs.map(function (r) { return r.ref; })).then(function (papers) {
      if (self.answer !== answer) return;
      var items = papers.map(function (paper, i) { return resultItem(doc, search, self.root, refs[i], paper); });
      items.forEach(function (item) { self.list.appendChild(item); });
      self.limit = from + items.length;
      self.counted();
      self.remember(self.input.value, false);
      if (items.length) items[0].querySelector("a.title").focus();
    });
  };

  Widget.prototype.toggle = function (open) {
    if (this.panel) this.panel.hidden = !open;
  };

  Widget.prototype.links = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("a.title"));
  };

  Widget.prototype.onKey = function (event) {
    var links = this.links();
    var at = links.indexOf(this.win.document.activeElement);
    if (event.key === "ArrowDown" && links.length) {
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? this.input : links[at - 1]).focus();
    } else if (event.key === "Escape") {
      if (at >= 0 || (this.panel && !this.panel.hidden)) {
        this.toggle(false);
        this.input.focus();
      } else {
        this.input.value = "";
        this.changed(true);
      }
    } else {
      return;
    }
    event.preventDefault();
  };

  Widget.prototype.changed = function (now) {
    var self = this;
    clearTimeout(this.timer);
    var run = function () {
      self.show(self.input.value);
      if (!self.panel) {
        // The first change after a submitted (or opened) query starts a new history entry, so Back
        // returns to that query; later keystrokes update the new entry in place.
        self.remember(self.input.value, self.committed);
        self.committed = false;
      }
    };
    if (now) run();
    else this.timer = setTimeout(run, DEBOUNCE_MS);
  };

  /** The search page's URL follows the query, so it can be shared; each submitted query keeps its own history entry. */
  Widget.prototype.remember = function (text, push) {
    var url = new URL(this.win.location.href);
    if (text.trim()) url.searchParams.set("q", text.trim());
    else url.searchParams.delete("q");
    // how many results are shown, once "Show more" was used: Back to this page shows as many
    if (this.answer && this.shown === text && this.limit > PAGE_RESULTS) url.searchParams.set("n", String(this.limit));
    else url.searchParams.delete("n");
    if (url.href === this.win.location.href) return;
    this.win.history[push ? "pushState" : "replaceState"](null, "", url.href);
  };

  Widget.prototype.attach = function () {
    var self = this;
    var win = this.win;
    this.input.addEventListener("input", function () { self.changed(false); });
    var onKey = function (event) { self.onKey(event); };
    this.form.addEventListener("keydown", onKey);
    if (!this.form.contains(this.list)) this.list.addEventListener("keydown", onKey);
    if (this.panel) {
      this.input.addEventListener("click", function () { if (self.list.firstChild) self.toggle(true); });
      this.form.addEventListener("focusout", function (event) {
        if (!event.relatedTarget || !self.form.contains(event.relatedTarget)) self.toggle(false);
      });
      return;
    }
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearTimeout(self.timer);
      self.remember(self.input.value, self.committed);
      self.committed = true;
      self.show(self.input.value);
    });
    if (this.more) this.more.addEventListener("click", function () { self.showMore(); });
    var fromURL = function () {
      var params = new URL(win.location.href).searchParams;
      self.committed = true;
      self.input.value = params.get("q") || "";
      self.show(self.input.value, Math.min(Number(params.get("n")) || 0, 100000));
    };
    win.addEventListener("popstate", fromURL);
    fromURL();
  };

  function start(doc, win) {
    Array.prototype.forEach.call(doc.querySelectorAll("form[data-search-manifest]"), function (form) {
      new Widget(form, win).attach();
    });
  }

  return {
    queryTerms: queryTerms, runQuery: runQuery, readManifest: readManifest, shardKeys: shardKeys, shardFiles: shardFiles, termKey: termKey, prefixKeys: prefixKeys,
    assemble: assemble, score: score, find: find, requiredWords: requiredWords, variants: variants, correction: correction, typoFiles: typoFiles,
    phrases: phrases, phraseFiles: phraseFiles, readPositions: readPositions, stem: stem, useStemmer: useStemmer, withPhrases: withPhrases, expansionOrder: expansionOrder, Search: Search, start: start, MAX_TERMS: MAX_TERMS, KEY_LENGTH: KEY_LENGTH
  };
});
