// lunr.js 2.3.9 ranks the Python-built index exactly as lunr.py does, through the page's own query code.
// Run by tests/test_search.py with SEARCH_PARITY=<parity.json>; alone (`node --test tests/js/`) it builds
// the seed site first with the project's Python (.venv/bin/python, or $PYTHON).
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

function parityFixture() {
  if (process.env.SEARCH_PARITY) return JSON.parse(fs.readFileSync(process.env.SEARCH_PARITY, "utf8"));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "search-parity-"));
  const python = process.env.PYTHON || path.join(ROOT, ".venv", "bin", "python");
  execFileSync(python, [path.join(__dirname, "search_parity.py"), out], { cwd: ROOT, stdio: "inherit" });
  return JSON.parse(fs.readFileSync(path.join(out, "parity.json"), "utf8"));
}

const fixture = parityFixture();
search.useStemmer(lunr); // the index's stemmer (lunr.py's), before any pipeline is loaded
const index = lunr.Index.load(JSON.parse(fs.readFileSync(fixture.index, "utf8")));

test("lunr.js is the version lunr.py builds for", () => {
  assert.equal(lunr.version, "2.3.9");
});

test("the page stems every word as lunr.py built the index", () => {
  const words = Object.keys(fixture.stems);
  assert.ok(words.length > 3000);
  for (const word of words) assert.equal(search.stem(word), fixture.stems[word], word);
  // lunr.js's own stemmer does not: the reason search.js has its own
  assert.notEqual(lunr.stemmer(new lunr.Token("survey", {})).toString(), fixture.stems.survey);
});

test("at least 20 queries find papers", () => {
  assert.ok(fixture.queries.filter((q) => q.refs.length > 0).length >= 20);
});

for (const { query, refs, scores } of fixture.queries) {
  test(`same ranked papers as lunr.py for ${JSON.stringify(query)}`, () => {
    const results = search.runQuery(lunr, index, query);
    assert.deepEqual(results.map((r) => r.ref), refs);
    results.forEach((r, i) => assert.ok(Math.abs(r.score - scores[i]) < 1e-9, `score of ${r.ref}`));
  });
}

test("lunr query syntax is read as plain words and never throws", () => {
  for (const text of ["title:^*~", "*", "~1", "foo^", "+", "-", ":", "a:b:c", "lora~", "-lora", "^^^ ***"]) {
    assert.doesNotThrow(() => search.runQuery(lunr, index, text), text);
  }
  assert.deepEqual(search.queryTerms("title:^*~ LoRA-adapters +speech"), ["title", "lora", "adapters", "speech"]);
  assert.deepEqual(search.queryTerms("speech~1 recog*"), ["speech", "1", "recog"]);
  assert.deepEqual(search.queryTerms(" :^~*+- "), []);
});
