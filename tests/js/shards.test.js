// The sharded index ranks exactly as one unsharded lunr index of the same documents: same refs in the same
// order, scores equal (===), same matched terms, three ways: lunr's query over the unsharded index, lunr's query
// over the mini index the page assembles from the shards it would load (search.js runQuery + assemble), and the
// scorer the page runs (search.js score), which computes lunr's results from the shard arrays directly.
// Run by tests/test_search.py with SHARD_PARITY=<fixture dir> (tests/js/shard_parity.py writes it); alone
// (`node --test tests/js/`) it writes the seed site's fixture first.
"use strict";
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { lunr, search, read, manifest, reference } = require("./fixture.js");
const files = {};  // shard files by name; small shards share one
for (const name of Object.values(manifest.shards)) files[name] = files[name] || read(name);
const allTerms = Object.keys(reference.invertedIndex).sort();

/** The shards the page loads for text, and lunr's results on the index it assembles from them (the fallback). */
function sharded(text) {
  const keys = search.shardKeys(lunr, manifest, text);
  const loaded = search.shardFiles(lunr, manifest, text).map((name) => files[name]);
  return { keys, results: search.runQuery(lunr, search.assemble(lunr, manifest, loaded, text), text) };
}

/** What the page shows for text: the scorer's results from the shard files it loads. */
function scored(text) {
  return search.score(lunr, manifest, search.shardFiles(lunr, manifest, text).map((name) => files[name]), text);
}

const comparable = (r) => [r.ref, r.score, Object.keys(r.matchData.metadata).sort()];

/** The unsharded index's results for text, checked equal (refs, order, scores ===, matched terms) both sharded ways. */
function assertSameRanking(text) {
  const results = search.runQuery(lunr, reference, text);
  const expected = results.map(comparable);
  assert.deepStrictEqual(sharded(text).results.map(comparable), expected, "lunr on shards: " + JSON.stringify(text));
  assert.deepStrictEqual(scored(text).map(comparable), expected, "scorer: " + JSON.stringify(text));
  return results;
}

/** Pairs of neighbouring results with equal scores: their order is the order lunr first met the papers. */
function ties(results) {
  return results.filter((r, i) => i > 0 && r.score === results[i - 1].score).length;
}

// Index terms spread over the vocabulary, and raw words a reader types.
const step = Math.max(1, Math.floor(allTerms.length / 150));
const sampled = allTerms.filter((_, i) => i % step === 0);
const combined = sampled.slice(0, 90).map((t, i) => (i % 2 ? `${t} ${sampled[i + 1] || ""}` : `${t} ${sampled[i + 1] || ""} ${sampled[i + 2] || ""}`));
const typed = [];
for (const text of ["speech recognition", "large language models", "Retrieval-augmented generation", "über naïve"]) {
  for (let n = 1; n <= text.length; n++) typed.push(text.slice(0, n));
}
for (const word of sampled.slice(0, 60)) for (let n = 1; n <= 5; n++) typed.push(word.slice(0, n));

test("every query of the fixture ranks as the unsharded index", () => {
  const queries = read("queries.json");
  assert.ok(queries.filter((q) => assertSameRanking(q).length > 0).length >= 20);
});

test("single index terms, as typed and followed by a space, rank as the unsharded index", () => {
  for (const term of sampled) {
    assertSameRanking(term);
    assertSameRanking(term + " ");
  }
});

test("two and three word queries rank as the unsharded index", () => {
  for (const text of combined) assertSameRanking(text);
});

test("every prefix a typing reader passes through ranks as the unsharded index", () => {
  assert.ok(typed.filter((text) => assertSameRanking(text).length > 0).length > typed.length / 2);
});

test("every term lies in the file its key names, and every file is in the manifest", () => {
  for (const [name, entries] of Object.entries(files)) {
    for (const [term] of entries) assert.equal(manifest.shards[search.termKey(manifest, term)], name, term);
  }
  assert.equal(Object.values(files).reduce((n, entries) => n + entries.length, 0), allTerms.length);
  assert.ok(Object.keys(files).length < Object.keys(manifest.shards).length); // small shards share files
});

test("a typed prefix loads exactly the shards that hold the terms it expands to", () => {
  for (const text of typed.filter((t) => Array.from(t.trim()).length >= search.KEY_LENGTH && !/[\s-]/.test(t))) {
    const prefix = text.toLowerCase();
    const keys = search.prefixKeys(manifest, prefix).filter((k) => k in manifest.shards);
    const names = [...new Set(keys.map((k) => manifest.shards[k]))];
    const inShards = names.flatMap((name) => files[name].map((e) => e[0])).filter((t) => t.startsWith(prefix)).sort();
    assert.deepEqual(inShards, allTerms.filter((t) => t.startsWith(prefix)), text);
    // No shard is loaded for nothing: each holds a term the prefix expands to, or is the one shard its key names.
    assert.ok(keys.length === 1 || keys.every((k) => files[manifest.shards[k]].some((e) => e[0].startsWith(prefix))), text);
  }
});

test("a query loads only the shards of its words, not the whole index", () => {
  const { keys } = sharded("speech recognition");
  assert.ok(keys.length >= 1 && keys.length <= 4, keys.join(" "));
  assert.ok(keys.length < Object.keys(manifest.shards).length / 10);
  const stemmed = lunr.Pipeline.load(["stemmer"]).runString("speech");
  assert.ok(keys.includes(search.termKey(manifest, stemmed[0])));
});

// Terms by how many papers have them, most first: their combinations match nearly every paper.
const byPapers = allTerms.map((term) => {
  const posting = reference.invertedIndex[term];
  const papers = new Set(reference.fields.flatMap((field) => Object.keys(posting[field])));
  return [term, papers.size];
}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

test("queries matching nearly every paper rank as the unsharded index", () => {
  const common = byPapers.slice(0, 12).map(([term]) => term);
  const texts = [common.slice(0, 3).join(" "), common.slice(0, 6).join(" "), common.slice(0, 12).join(" "),
    common.slice(3, 5).join(" ") + " " + common[0].slice(0, 2), common[1].slice(0, 2), common[2].slice(0, 3)];
  const sizes = texts.map((text) => assertSameRanking(text).length);
  assert.ok(Math.max(...sizes) >= 0.9 * manifest.papers, sizes.join(" "));
});

test("queries where many papers tie keep lunr's order among equal scores", () => {
  // Rare terms: few postings, weights rounded to 3 decimals, so papers of similar length share a score.
  const rare = byPapers.filter(([, n]) => n >= 2 && n <= 40).map(([term]) => term);
  const pick = rare.filter((_, i) => i % Math.max(1, Math.floor(rare.length / 200)) === 0);
  let tied = 0;
  for (const term of pick) tied += ties(assertSameRanking(term));
  for (let i = 0; i + 1 < pick.length && i < 80; i += 2) tied += ties(assertSameRanking(`${pick[i]} ${pick[i + 1]}`));
  assert.ok(tied >= 10, `only ${tied} ties`);
});

test("a trailing wildcard expands to terms in the order lunr's TokenSet lists them", () => {
  // Typed prefixes never hold "*" (queryTerms splits there); in lunr's TokenSet it would be a wildcard.
  const prefixes = [...new Set(allTerms.map((t) => t.slice(0, 2)))].filter((p) => !p.includes("*"));
  for (const prefix of prefixes) {
    const expected = reference.tokenSet.intersect(lunr.TokenSet.fromString(prefix + "*")).toArray();
    const ordered = allTerms.filter((t) => t.startsWith(prefix)).sort(search.expansionOrder);
    assert.deepEqual(ordered, expected, prefix);
  }
  // Digits are integer-like keys, which Object.keys lists first: the order is not plain string order.
  const made = lunr.Index.load({ version: lunr.version, fields: ["t"], pipeline: [],
    fieldVectors: [["t/0", []]], invertedIndex: ["a", "a.b", "a1", "a10", "a9", "ab", "aé", "a日"].map((t, i) => [t, { _index: i, t: {} }]) });
  const terms = ["a", "a.b", "a1", "a10", "a9", "ab", "aé", "a日"].sort(search.expansionOrder);
  assert.deepEqual(terms, made.tokenSet.intersect(lunr.TokenSet.fromString("a*")).toArray());
});
