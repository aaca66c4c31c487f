/* Quoted phrases: the papers with every word that also have each phrase, word after word, in the title or the
   abstract, checked against the term positions of the position shards (loaded only for a phrase). */
import { fold, has, STOP_WORDS, trim } from "./query.js";
import { termKey } from "./shards.js";
import { stem } from "./stemmer.js";

const PHRASE = /"([^"]*)"/g;

/** The quoted phrases of text, each as index terms by position (null where a stop word or nothing stands). */
export function phrases(text) {
  const found = [];
  for (const match of String(text).matchAll(PHRASE)) {
    const tokens = fold(match[1].toLowerCase()).split(/[\s\-]+/).filter(Boolean).map((token) => {
      const word = trim(token);
      return word && !STOP_WORDS.has(word) ? stem(word) || null : null;
    });
    while (tokens.length && tokens[tokens.length - 1] === null) tokens.pop();
    while (tokens.length && tokens[0] === null) tokens.shift();
    if (tokens.filter(Boolean).length > 1) found.push({ text: match[1].trim(), terms: tokens });
  }
  return found;
}

/** The position files the phrases need, from the position manifest (shards.js readPositions). */
export function phraseFiles(pm, list) {
  const files = {};
  for (const p of list) {
    for (const term of p.terms) {
      const key = term && termKey(pm, term);
      if (key && has(pm.shards, key)) files[pm.shards[key]] = true;
    }
  }
  return Object.keys(files).sort();
}

/** Position entries by term: [term, docs, positions, docs, positions] for the title and the abstract, docs
    delta-encoded, each paper's positions delta-encoded. Returns term → field → paper → Set of positions. */
function positionsOf(shards, wanted) {
  const out = Object.create(null);
  for (const entries of shards) {
    for (const entry of entries) {
      if (!wanted[entry[0]] || out[entry[0]]) continue;
      const fields = [];
      for (let f = 0; f < (entry.length - 1) / 2; f++) {
        const docs = entry[1 + 2 * f], lists = entry[2 + 2 * f], byDoc = new Map();
        for (let i = 0, doc = 0; i < docs.length; i++) {
          doc += docs[i];
          let at = 0;
          byDoc.set(doc, new Set(lists[i].map((d) => (at += d))));
        }
        fields.push(byDoc);
      }
      out[entry[0]] = fields;
    }
  }
  return out;
}

/** Whether paper doc has the phrase, term after term, within one field. */
function hasPhrase(positions, phrase, doc) {
  const fields = positions[phrase.terms[0]];
  if (!fields) return false;
  return fields.some((byDoc, f) => {
    const starts = byDoc.get(doc);
    if (!starts) return false;
    for (const start of starts) {
      const ok = phrase.terms.every((term, k) => {
        if (term === null) return true;
        const at = positions[term] && positions[term][f].get(doc);
        return at !== undefined && at.has(start + k);
      });
      if (ok) return true;
    }
    return false;
  });
}

/** The results that have every phrase. */
export function withPhrases(results, positionShards, list) {
  const wanted = Object.create(null);
  for (const p of list) for (const t of p.terms) if (t) wanted[t] = true;
  const positions = positionsOf(positionShards, wanted);
  return results.filter((r) => list.every((p) => hasPhrase(positions, p, r._doc)));
}
