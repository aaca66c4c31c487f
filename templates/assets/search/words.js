/* Every word: a paper must have each word of the query (not a stop word), stemmed, in its own text (title, abstract,
   authors, keywords: manifest "words"), the last one also as a prefix while it is typed. Topic labels rank a paper
   but never let one in. When no paper has them all, the papers with some of them, most words first. */
import { requiredWords, satisfies } from "./query.js";
import { score } from "./scorer.js";
import { docsAt } from "./shards.js";

/** Per paper, a bit per required word it has in its own text; per word, whether any paper has it there. */
export function wordMasks(manifest, shards, words) {
  const own = manifest.fields.map((field) => !manifest.words || manifest.words.includes(field));
  const nFields = manifest.fields.length, masks = new Uint32Array(manifest.papers);
  const present = words.map(() => false), seen = Object.create(null);
  for (const entries of shards) {
    for (const entry of entries) {
      if (seen[entry[0]]) continue;
      seen[entry[0]] = true;
      words.forEach((word, i) => {
        if (!satisfies(word, entry[0])) return;
        for (let f = 0; f < nFields; f++) {
          if (!own[f]) continue;
          const deltas = docsAt(entry, f);
          present[i] = present[i] || deltas.length > 0;
          for (let j = 0, doc = 0; j < deltas.length; j++) { doc += deltas[j]; masks[doc] |= 1 << i; }
        }
      });
    }
  }
  return { masks, present };
}

function bits(n) { let c = 0; for (; n; n &= n - 1) c++; return c; }

/** The ranked papers for text from its shards: those with every word, else those with some (all: false). */
export function find(manifest, shards, text, also) {
  const words = requiredWords(text, also), results = score(manifest, shards, text);
  if (!words.length) return { results, all: true };
  const m = wordMasks(manifest, shards, words), full = (1 << words.length) - 1;
  const all = results.filter((r) => m.masks[r._doc] === full);
  if (all.length || words.length === 1) return { results: all, all: true };
  const some = results.map((r, i) => [bits(m.masks[r._doc]), i, r]);
  some.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return { results: some.map((s) => s[2]), all: false };
}
