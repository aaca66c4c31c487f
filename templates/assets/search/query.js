/* What a reader typed, read as words: the terms a query searches, the word still being typed, the words a paper
   must have, and a correction written back into the text. Mirrors how the build tokenizes (site_src/search). */
import { stem } from "./stemmer.js";

export const MAX_TERMS = 12; // a pasted paragraph is not a query
export const KEY_LENGTH = 2; // shards.KEY_LENGTH: a shorter prefix would need every shard of its first character
const SEPARATOR = /[\s\-:^~*+]+/; // spaces, hyphens and the query syntax of lunr, which readers type by mistake
export const EDGES = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
// The index leaves these out (lunr's English stop words, site_src/search/stemmer.py STOP_WORDS; a test keeps them equal).
export const STOP_WORDS = new Set(("a able about across after all almost also am among an and any are as at be because been but by " +
  "can cannot could dear did do does either else ever every for from get got had has have he her hers him his how however " +
  "i if in into is it its just least let like likely may me might most must my neither no nor not of off often on only or " +
  "other our own rather said say says she should since so some than that the their them then there these they this tis to " +
  "too twas us wants was we were what when where which while who whom why will with would yet you your").split(" "));

// An arXiv id as readers paste it: bare or versioned (2506.01920v2), after "arXiv:", or in an arXiv abs/pdf/html or
// Hugging Face papers URL. The index holds each paper's bare id (site_src/outputs/search FIELDS "arxiv").
const PAPER_ID = /(?:https?:\/\/)?(?:www\.)?(?:(?:arxiv\.org\/(?:abs|pdf|html)|huggingface\.co\/papers)\/|arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?(?![\d.])\/?/gi;

/** Text without accents, as the index folds every word (stemmer.py `fold`): NFKD, marks (\p{M}) dropped. */
export function fold(text) { return String(text).normalize("NFKD").replace(/\p{M}/gu, ""); }

/** What a reader typed, lowercased and folded, each arXiv id or arXiv / Hugging Face URL read as the bare id. */
export function reading(text) { return fold(String(text).toLowerCase()).replace(PAPER_ID, "$1"); }

export function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

export function chars(text) { return Array.from(text); } // code points, as Python slices strings

/** The plain words of what a reader typed: lowercased, split at spaces, hyphens and query syntax, edge punctuation dropped, each once. */
export function queryTerms(text) {
  const seen = [];
  for (const word of reading(text).split(SEPARATOR)) {
    const term = word.replace(EDGES, "");
    if (term && !seen.includes(term)) seen.push(term);
  }
  return seen.slice(0, MAX_TERMS);
}

/** The word searched as a prefix: the last one while it is being typed, once it has KEY_LENGTH characters. */
export function prefixWord(text, terms) {
  const last = terms[terms.length - 1];
  return last && !/\s$/.test(text) && chars(last).length >= KEY_LENGTH ? last : null;
}

/** The index's trimmer on one word of a phrase: non-word characters off both ends. */
export function trim(word) { return word.replace(/^\W+/, "").replace(/\W+$/, ""); }

/** The words a paper must have: queryTerms less stop words and less a last word still too short to be a prefix
    ("speech r" while typing), each with the index terms that satisfy it. A word that `also` maps to another (a
    correction searched beside a rare spelling) satisfies that one's place. */
export function requiredWords(text, also) {
  const terms = queryTerms(text), prefix = prefixWord(text, terms);
  const typing = terms.length && !/\s$/.test(text) && chars(terms[terms.length - 1]).length < KEY_LENGTH ? terms[terms.length - 1] : null;
  const words = terms.filter((word) => !STOP_WORDS.has(word) && word !== typing)
    .map((word) => ({ word, stems: [stem(word)], prefix: word === prefix ? word : null }));
  if (!also) return words;
  const byWord = Object.create(null);
  for (const w of words) byWord[w.word] = w;
  return words.filter((w) => {
    const place = has(also, w.word) && byWord[also[w.word]];
    if (!place) return true;
    place.stems = place.stems.concat(w.stems);
    place.prefix = place.prefix || w.prefix;
    return false;
  });
}

/** Whether an index term satisfies a required word: one of its stems, or a term its prefix starts. */
export function satisfies(word, term) {
  return word.stems.includes(term) || (word.prefix !== null && term.startsWith(word.prefix));
}

/** text with each word (as queryTerms reads it) that corrections names replaced (or, where keep names it, followed
    by its correction), quotes and spacing kept. */
export function corrected(text, corrections, keep) {
  return String(text).split(/([\s\-:^~*+]+)/).map((piece, i) => {
    if (i % 2) return piece;
    const core = piece.replace(EDGES, ""), word = core.toLowerCase(), fix = has(corrections, word) && corrections[word];
    return fix && core ? piece.replace(core, keep && keep[word] ? core + " " + fix : fix) : piece;
  }).join("");
}
