/* Typos: a word of 4+ characters that few papers have is replaced by (or, when some paper has it, searched beside)
   the spelling one edit away whose stem the most papers have. Edits keep the word's first two characters, or swap
   neighbours, so the shards a correction needs are those of the word's own start. */
import { chars, has, requiredWords } from "./query.js";
import { docsAt, termKey } from "./shards.js";
import { stem } from "./stemmer.js";
import { wordMasks } from "./words.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const MIN_TYPO_LENGTH = 4;
const TYPO_PAPERS = 3; // a word fewer papers have than this may be a typo ...
const TYPO_GAIN = 10; // ... when a spelling one edit away is in this many times as many papers

/** The required words of text that look mistyped: 4+ characters, not a number, and in fewer than TYPO_PAPERS
    papers (a typo in one abstract makes a word an index term); not a number or an arXiv id, each with how many papers have it. */
export function unmatchedWords(manifest, shards, text) {
  const words = requiredWords(text), masks = wordMasks(manifest, shards, words).masks, counts = words.map(() => 0);
  for (let d = 0; d < masks.length; d++) if (masks[d]) for (let i = 0; i < words.length; i++) if (masks[d] & (1 << i)) counts[i]++;
  return words.map((w, i) => ({ word: w.word, papers: counts[i] }))
    .filter((w) => w.papers < TYPO_PAPERS && chars(w.word).length >= MIN_TYPO_LENGTH && !/^[\d.]+$/.test(w.word));
}

/** Spellings one edit from word: neighbours swapped, or a character deleted, replaced or inserted after the second. */
export function variants(word) {
  const c = chars(word), n = c.length, out = new Set(), head = [], tail = [];
  for (let i = 0; i <= n; i++) { head.push(c.slice(0, i).join("")); tail.push(c.slice(i, n).join("")); }
  for (let i = 0; i + 1 < n; i++) if (c[i] !== c[i + 1]) out.add(head[i] + c[i + 1] + c[i] + tail[i + 2]);
  for (let i = 2; i < n; i++) out.add(head[i] + tail[i + 1]);
  for (let i = 2; i < n; i++) for (const a of ALPHABET) if (a !== c[i]) out.add(head[i] + a + tail[i + 1]);
  for (let i = 2; i <= n; i++) for (const a of ALPHABET) out.add(head[i] + a + tail[i]);
  out.delete(word);
  return Array.from(out);
}

const spelled = new Map(); // word → its spellings: a query looks them up twice (files, then correction), typing more

/** Each variant of word with the index term it stems to. */
function spellings(word) {
  if (!spelled.has(word)) {
    if (spelled.size > 64) spelled.clear();
    spelled.set(word, variants(word).map((v) => ({ word: v, term: stem(v) })).filter((s) => s.term));
  }
  return spelled.get(word);
}

/** The shard files that hold the terms words' spellings stem to. */
export function typoFiles(manifest, words) {
  const files = {};
  for (const word of words) {
    for (const s of spellings(word)) {
      const key = termKey(manifest, s.term);
      if (has(manifest.shards, key)) files[manifest.shards[key]] = true;
    }
  }
  return Object.keys(files).sort();
}

/** The spelling of word (one edit away) whose term the most papers have, if at least TYPO_GAIN times as many as
    have the word itself (any, for a word no paper has); null when there is none in shards. */
export function correction(manifest, shards, word, papers) {
  const entries = Object.create(null), nFields = manifest.fields.length;
  let best = null;
  for (const list of shards) for (const entry of list) entries[entry[0]] = entry;
  for (const s of spellings(word)) {
    const entry = entries[s.term];
    if (!entry) continue;
    const docs = new Set();
    for (let f = 0; f < nFields; f++) { const deltas = docsAt(entry, f); for (let i = 0, doc = 0; i < deltas.length; i++) docs.add(doc += deltas[i]); }
    const n = docs.size;
    if (n >= Math.max(1, TYPO_GAIN * papers) && (!best || n > best.papers || (n === best.papers && s.word < best.word))) best = { word: s.word, papers: n };
  }
  return best && best.word;
}
