// The compact paper vectors the build writes (site_src/outputs/recommend/), read into one term numbering.
//
// A vector file is {"terms": [...], "papers": [[slug, title, gaps, levels], ...]}: each paper's kept terms as
// gaps between positions in that file's sorted `terms`, and their weights as whole numbers 1..255 of the paper's
// largest; here each paper becomes {slug, title, ids, values} over a Vocabulary shared by every file a page
// loads, with values scaled back to unit length. Which file holds a paper: bucketOf (FNV-1a of its slug, as the
// build computes it).

/** Terms by number, and the number of each term: one numbering for every file a page loads. */
export class Vocabulary {
  constructor() {
    this.terms = [];
    this.numbers = new Map();
  }

  number(term) {
    let id = this.numbers.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(term);
      this.numbers.set(term, id);
    }
    return id;
  }
}

/** The papers of one vector file, their terms numbered in `vocabulary`; rows that do not fit the format are skipped. */
export function readPapers(data, vocabulary) {
  const terms = Array.isArray(data && data.terms) ? data.terms : [];
  const ids = terms.map((t) => vocabulary.number(String(t)));
  const papers = [];
  for (const row of Array.isArray(data && data.papers) ? data.papers : []) {
    if (!Array.isArray(row) || row.length < 4 || typeof row[0] !== "string") continue;
    const [slug, title, gaps, levels] = row;
    if (!Array.isArray(gaps) || !Array.isArray(levels) || gaps.length !== levels.length) continue;
    const numbers = new Int32Array(gaps.length);
    const values = new Float32Array(gaps.length);
    let position = -1;
    let norm = 0;
    let valid = true;
    for (let k = 0; k < gaps.length; k++) {
      position += gaps[k];
      if (!(position >= 0 && position < ids.length) || !(levels[k] > 0)) { valid = false; break; }
      numbers[k] = ids[position];
      values[k] = levels[k];
      norm += levels[k] * levels[k];
    }
    if (!valid) continue;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < values.length; k++) values[k] /= norm;
    papers.push({ slug, title: String(title), ids: numbers, values });
  }
  return papers;
}

/** The bucket of a slug among `buckets`: FNV-1a over its UTF-8 bytes, as site_src/outputs/recommend computes it. */
export function bucketOf(slug, buckets) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(slug)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % buckets;
}

/** A site-relative path from the manifest with `{}` filled in, under the page's root (works under a sub-path). */
export function filled(root, pattern, value) {
  return root + String(pattern).replace("{}", encodeURIComponent(String(value)));
}
