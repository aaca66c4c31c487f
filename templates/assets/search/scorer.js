/* Ranking: the papers that match a query's terms, by score, computed from the shard arrays.
   Every word is a clause (OPTIONAL, boost 1, all fields), the typed prefix a clause with a trailing wildcard. */
import { prefixWord, queryTerms } from "./query.js";
import { stem } from "./stemmer.js";

/* The scorer: exactly what lunr's Index.query returns for the clauses a query sends (every clause OPTIONAL, boost 1,
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
export function expansionOrder(a, b) {
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

/** lunr's results (the clauses: every word stemmed, the typed prefix with a trailing wildcard) for text, computed from shards (lists of [term, _index, docs, weights, ...]) without lunr's index. */
export function score(manifest, shards, text) {
  var terms = queryTerms(text);
  if (!terms.length) return [];
  var fields = manifest.fields, nFields = fields.length, nDocs = manifest.papers;
  var prefix = prefixWord(text, terms);
  var stemmed = terms.map(function (word) { return [stem(word)]; }), exact = Object.create(null);
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

