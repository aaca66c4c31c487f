// The sharded index ranks exactly as one unsharded lunr index of the same documents: same refs in the same
// order, scores equal (===), through the page's own query code (search.js runQuery) over the mini index the page
// assembles from the shards it would load. Run by tests/test_search.py with SHARD_PARITY=<fixture dir>
// (tests/js/shard_parity.py writes it); alone (`node --test tests/js/`) it writes the seed site's fixture first.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const { test } = require("node:test");

const ROOT = path.resolve(__dirname, "..", "..");
const lunr = require(path.join(ROOT, "node_modules", "lunr"));
const search = require(path.join(ROOT, "templates", "assets", "search.js"));

function fixtureDir() {
  if (process.env.SHARD_PARITY) return process.env.SHARD_PARITY;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "shard-parity-"));
  const python = process.env.PYTHON || path.join(ROOT, ".venv", "bin", "python");
  execFileSync(python, [path.join(__dirname, "shard_parity.py"), out], { cwd: ROOT, stdio: "inherit" });
  return out;
}

const dir = fixtureDir();
const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
const manifest = read("manifest.json");
const reference = lunr.Index.load(read("reference.json"));
const shards = {};
for (const [key, name] of Object.entries(manifest.shards)) shards[key] = read(name);
const allTerms = Object.keys(reference.invertedIndex).sort();

/** What the page does for text: the shards it loads, the index it assembles from them, lunr's results. */
function sharded(text) {
  const keys = search.shardKeys(lunr, manifest, text);
  return { keys, results: search.runQuery(lunr, search.assemble(lunr, manifest, keys.map((k) => shards[k]), text), text) };
}

function assertSameRanking(text) {
  const expected = search.runQuery(lunr, reference, text).map((r) => [r.ref, r.score, Object.keys(r.matchData.metadata).sort()]);
  const found = sharded(text).results.map((r) => [r.ref, r.score, Object.keys(r.matchData.metadata).sort()]);
  assert.deepStrictEqual(found, expected, JSON.stringify(text));
  return expected.length;
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
  assert.ok(queries.filter((q) => assertSameRanking(q) > 0).length >= 20);
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
  assert.ok(typed.filter((text) => assertSameRanking(text) > 0).length > typed.length / 2);
});

test("every term lies in the shard its key names, and every shard is in the manifest", () => {
  for (const [key, entries] of Object.entries(shards)) {
    for (const [term] of entries) assert.equal(search.termKey(manifest, term), key, term);
  }
  assert.equal(Object.values(shards).reduce((n, entries) => n + entries.length, 0), allTerms.length);
});

test("a typed prefix loads exactly the shards that hold the terms it expands to", () => {
  for (const text of typed.filter((t) => Array.from(t.trim()).length >= search.KEY_LENGTH && !/[\s-]/.test(t))) {
    const prefix = text.toLowerCase();
    const keys = search.prefixKeys(manifest, prefix).filter((k) => k in manifest.shards);
    const inShards = keys.flatMap((k) => shards[k].map((e) => e[0])).filter((t) => t.startsWith(prefix)).sort();
    assert.deepEqual(inShards, allTerms.filter((t) => t.startsWith(prefix)), text);
    // No shard is loaded for nothing: each holds a term the prefix expands to, or is the one shard its key names.
    assert.ok(keys.length === 1 || keys.every((k) => shards[k].some((e) => e[0].startsWith(prefix))), text);
  }
});

test("a query loads only the shards of its words, not the whole index", () => {
  const { keys } = sharded("speech recognition");
  assert.ok(keys.length >= 1 && keys.length <= 4, keys.join(" "));
  assert.ok(keys.length < Object.keys(manifest.shards).length / 10);
  const stemmed = lunr.Pipeline.load(["stemmer"]).runString("speech");
  assert.ok(keys.includes(search.termKey(manifest, stemmed[0])));
});
