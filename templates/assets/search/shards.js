/* Which files a query needs: the manifest read as key → file, the shard key of an index term, and the shard
   files that hold a query's terms and the terms its typed prefix expands to (site_src/search/shards.py cuts them). */
import { chars, has, prefixWord, queryTerms } from "./query.js";
import { stem } from "./stemmer.js";

// A shard entry: [term, docs, counts, lengths, docs, counts, lengths, ...], one triple per field (shards.py).
export const FIELD_STRIDE = 3;

const NONE = [];

/** The papers (delta-encoded numbers) with an entry's term in field f (trailing fields without any are left out). */
export function docsAt(entry, f) { return entry[1 + FIELD_STRIDE * f] || NONE; }

function byKey(groups) {
  const shards = Object.create(null);
  for (const [file, keys] of groups) for (const key of keys) shards[key] = file;
  return shards;
}

/** manifest.json as the page uses it: "shards" (a list of [file, [key, ...]]) as key → file. */
export function readManifest(json) {
  return { fields: json.fields, words: json.words || null, boosts: json.boosts, lengths: json.lengths, papers: json.papers,
           key: json.key, shards: byKey(json.shards), split: json.split, store: json.store, positions: json.positions || null };
}

/** The position manifest (the file manifest "positions" names) as termKey reads it, with the manifest's key length. */
export function readPositions(manifest, json) {
  return { key: manifest.key, fields: json.fields, shards: byKey(json.shards), split: json.split };
}

/** The key of the shard that holds an index term: its first characters, one more while that key is split. */
export function termKey(manifest, term) {
  const all = chars(term);
  let n = Math.min(manifest.key, all.length), key = all.slice(0, n).join("");
  while (n < all.length && manifest.split.includes(key)) key = all.slice(0, ++n).join("");
  return key;
}

/** The keys of the shards that hold every term starting with prefix. */
export function prefixKeys(manifest, prefix) {
  const key = termKey(manifest, prefix);
  if (!manifest.split.includes(key)) return [key];
  return Object.keys(manifest.shards).filter((k) => k.slice(0, key.length) === key);
}

/** The index terms a query can match: its words stemmed as the index's, and the prefix being typed. */
export function wanted(text) {
  const terms = queryTerms(text), exact = Object.create(null);
  for (const word of terms) exact[stem(word)] = true;
  const prefix = prefixWord(text, terms);
  return { exact, prefix, has: (term) => exact[term] === true || (prefix !== null && term.startsWith(prefix)) };
}

/** The shards a query needs, by key, sorted. */
export function shardKeys(manifest, text) {
  const want = wanted(text), keys = {};
  for (const term of Object.keys(want.exact)) keys[termKey(manifest, term)] = true;
  if (want.prefix) for (const key of prefixKeys(manifest, want.prefix)) keys[key] = true;
  return Object.keys(keys).filter((key) => has(manifest.shards, key)).sort();
}

/** The files a query loads: those of its shards, each once (small shards share a file), sorted. */
export function shardFiles(manifest, text) {
  return [...new Set(shardKeys(manifest, text).map((key) => manifest.shards[key]))].sort();
}
