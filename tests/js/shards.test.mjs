// shards.js: which shard files a query loads, on a real sharded index (fixture.mjs).
import assert from "node:assert/strict";
import { test } from "node:test";
import { prefixKeys, shardKeys, termKey } from "../../templates/assets/search/shards.js";
import { stem } from "../../templates/assets/search/stemmer.js";
import { file, manifest, reference } from "./fixture.mjs";

const files = {};
for (const name of Object.values(manifest.shards)) files[name] = file(name);
const allTerms = Object.keys(reference.invertedIndex).sort();
const step = Math.max(1, Math.floor(allTerms.length / 150));
const sampled = allTerms.filter((_, i) => i % step === 0);

test("every term lies in the file its key names, and every file is in the manifest", () => {
  for (const [name, entries] of Object.entries(files)) {
    for (const [term] of entries) assert.equal(manifest.shards[termKey(manifest, term)], name, term);
  }
  assert.equal(Object.values(files).reduce((n, entries) => n + entries.length, 0), allTerms.length);
  assert.ok(Object.keys(files).length < Object.keys(manifest.shards).length); // small shards share files
});

test("a typed prefix loads exactly the shards that hold the terms it expands to", () => {
  const typed = [];
  for (const word of sampled.slice(0, 60)) for (let n = 2; n <= 5; n++) typed.push(word.slice(0, n));
  for (const prefix of typed.filter((t) => Array.from(t).length >= 2)) {
    const keys = prefixKeys(manifest, prefix).filter((k) => k in manifest.shards);
    const names = [...new Set(keys.map((k) => manifest.shards[k]))];
    const inShards = names.flatMap((name) => files[name].map((e) => e[0])).filter((t) => t.startsWith(prefix)).sort();
    assert.deepEqual(inShards, allTerms.filter((t) => t.startsWith(prefix)), prefix);
    // No shard is loaded for nothing: each holds a term the prefix expands to, or is the one shard its key names.
    assert.ok(keys.length === 1 || keys.every((k) => files[manifest.shards[k]].some((e) => e[0].startsWith(prefix))), prefix);
  }
});

test("a query loads only the shards of its words, not the whole index", () => {
  const keys = shardKeys(manifest, "speech recognition");
  assert.ok(keys.length >= 1 && keys.length <= 4, keys.join(" "));
  assert.ok(keys.length < Object.keys(manifest.shards).length / 10);
  assert.ok(keys.includes(termKey(manifest, stem("speech"))));
});
