/* Ranking, computed when a query runs from what the shards store (Pagefind scores the same way): for every index
   term a query matches, in every field, BM25 from the term's count there, the field's length, the number of papers
   with the term and the index-wide paper count and mean field length (manifest "papers", "lengths"), times the
   field's boost (manifest "boosts"); a paper's score adds them up. These are the weights lunr stores in its index
   (lunr.Builder: k1 1.2, b 0.75, idf over postings summed across fields), and a query counts each term as lunr's
   query vector does: once per word that stems to it, once more when the typed prefix expands to it. lunr then
   divides by the query vector's length, the same for every paper, so the order is lunr's
   (tests/js/scorer.test.mjs checks it against lunr.js over the `lunr` package's own index). */
import { prefixWord, queryTerms } from "./query.js";
import { docsAt, FIELD_STRIDE } from "./shards.js";
import { stem } from "./stemmer.js";

const K1 = 1.2, B = 0.75;

function contains(sorted, value) {
  let lo = 0, hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else if (sorted[mid] > value) hi = mid - 1;
    else return true;
  }
  return false;
}

/** A result: ref (the paper's number as a string), score, and matchData.metadata (term → field → {}: what the
    widget highlights), built when read. Each query makes its own kind of Match whose prototype holds what its
    results share: the matched terms' papers per field, and the field names. */
function Match() {}

Object.defineProperty(Match.prototype, "ref", { get() { return String(this._doc); } });

Object.defineProperty(Match.prototype, "matchData", {
  get() {
    const metadata = Object.create(null), doc = this._doc, fields = this._fields;
    for (const p of this._matched) {
      for (let f = 0; f < fields.length; f++) {
        if (contains(p.docs[f], doc)) (metadata[p.term] || (metadata[p.term] = Object.create(null)))[fields[f]] = {};
      }
    }
    return { metadata };
  },
});

/** Positions 0..n-1 ordered by scores, highest first, equal scores by position (a stable sort). Scores are doubles
    >= 0, whose bits order as the numbers do, so a stable radix sort of the complemented bits (16 at a time, low to
    high) gives that order; a comparator sort of tens of thousands of results takes longer than all the scoring. */
function rankByScore(scores) {
  const n = scores.length, words = new Uint32Array(scores.buffer, scores.byteOffset, 2 * n);
  const high = new Uint32Array([1]); // which word of a double holds its high bits: the platform's byte order
  const hi = new Uint8Array(high.buffer)[0] === 1 ? 1 : 0;
  let ranked = new Int32Array(n), other = new Int32Array(n);
  const count = new Int32Array(65537);
  for (let r = 0; r < n; r++) ranked[r] = r;
  for (let pass = 0; pass < 4; pass++) {
    const word = pass < 2 ? 1 - hi : hi, shift = pass % 2 ? 16 : 0;
    count.fill(0);
    for (let i = 0; i < n; i++) count[((~words[2 * ranked[i] + word] >>> shift) & 0xffff) + 1]++;
    if (count[((~words[2 * ranked[0] + word] >>> shift) & 0xffff) + 1] === n) continue; // one digit: order unchanged
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
    for (let j = 0; j < n; j++) {
      const at = ranked[j];
      other[count[(~words[2 * at + word] >>> shift) & 0xffff]++] = at;
    }
    [ranked, other] = [other, ranked];
  }
  return ranked;
}

let work = { size: -1 }; // per-paper arrays, kept between queries and left zeroed after each

/** The papers that match text's terms in shards (lists of [term, docs, counts, lengths, ...]), highest score first;
    equal scores newest first (papers are numbered oldest first). */
export function score(manifest, shards, text) {
  const terms = queryTerms(text);
  if (!terms.length) return [];
  const fields = manifest.fields, nFields = fields.length, nDocs = manifest.papers;
  const prefix = prefixWord(text, terms), clauses = Object.create(null);
  for (const word of terms) { const t = stem(word); clauses[t] = (clauses[t] || 0) + 1; }
  if (work.size !== nDocs) work = { size: nDocs, met: new Uint8Array(nDocs), total: new Float64Array(nDocs) };
  const { met, total } = work, order = [], matched = [], seen = Object.create(null);
  for (const entries of shards) {
    for (const entry of entries) {
      const term = entry[0];
      const c = (clauses[term] || 0) + (prefix !== null && term.startsWith(prefix) ? 1 : 0);
      if (!c || seen[term]) continue;
      seen[term] = true;
      let df = 0;
      for (let f = 0; f < nFields; f++) df += docsAt(entry, f).length;
      const idf = Math.log(1 + Math.abs((nDocs - df + 0.5) / (df + 0.5)));
      const docs = [];
      for (let f = 0; f < nFields; f++) {
        const at = 1 + FIELD_STRIDE * f, deltas = docsAt(entry, f), counts = entry[at + 1], lengths = entry[at + 2];
        const weight = c * idf * manifest.boosts[f], mean = manifest.lengths[f] || 1, list = new Int32Array(deltas.length);
        for (let i = 0, doc = 0; i < deltas.length; i++) {
          doc += deltas[i];
          list[i] = doc;
          const tf = counts[i];
          total[doc] += weight * ((K1 + 1) * tf) / (K1 * (1 - B + B * (lengths[i] / mean)) + tf);
          if (!met[doc]) { met[doc] = 1; order.push(doc); }
        }
        docs.push(list);
      }
      matched.push({ term, docs });
    }
  }
  order.sort((a, b) => b - a); // newest first among equal scores
  const n = order.length, scores = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    scores[r] = total[order[r]];
    met[order[r]] = 0;
    total[order[r]] = 0;
  }
  const ranked = rankByScore(scores);
  function Result(doc, value) { this._doc = doc; this.score = value; }
  Result.prototype = Object.create(Match.prototype);
  Result.prototype._matched = matched;
  Result.prototype._fields = fields;
  const results = new Array(n);
  for (let j = 0; j < n; j++) results[j] = new Result(order[ranked[j]], scores[ranked[j]]);
  return results;
}
