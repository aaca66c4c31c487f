// search.js: the page's query from typed text to ranked papers, fetching the fixture's files through a stand-in for
// fetch that reads them from disk and notes each one.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Search } from "../../templates/assets/search/search.js";
import { dir, documents } from "./fixture.mjs";

const fetched = [];
globalThis.fetch = async (url) => {
  fetched.push(path.relative(dir, fileURLToPath(String(url))));
  return new Response(fs.readFileSync(fileURLToPath(String(url))));
};
const open = () => Search.open(pathToFileURL(path.join(dir, "manifest.json")).href);

test("a mistyped word inside a phrase is corrected and the phrase kept", async () => {
  const page = await open();
  const right = await page.query('"language model"');
  const wrong = await page.query('"langauge model"');
  assert.ok(right.results.length > 0 && right.notice === "");
  assert.match(wrong.notice, /^Showing results for \u201c"language model"\u201d/);
  assert.deepEqual(new Set(wrong.results.map((r) => r.ref)), new Set(right.results.map((r) => r.ref)));
});

test("a query fetches the manifest, its shards and the store chunks of what it shows, each once", async () => {
  fetched.length = 0;
  const page = await open();
  const { results } = await page.query("speech recognition");
  const shown = await page.papers(results.slice(0, 8).map((r) => r.ref));
  assert.ok(shown.length > 0 && shown.every((p, i) => p.t === documents[Number(results[i].ref)].title));
  await page.query("speech recognition");
  assert.equal(fetched[0], "manifest.json");
  assert.equal(new Set(fetched).size, fetched.length, fetched.join(" "));
  assert.ok(fetched.every((f) => f === "manifest.json" || /^(shards|store)\//.test(f)), fetched.join(" "));
});

test("a query no paper matches, and one of stop words, find nothing and never throw", async () => {
  const page = await open();
  assert.deepEqual((await page.query("zzzzqqq")).results, []);
  assert.deepEqual((await page.query("the of and ")).results, []);
  for (const text of ["title:^*~", "*", "~1", "+", "-", ":", "a:b:c"]) await page.query(text);
});
