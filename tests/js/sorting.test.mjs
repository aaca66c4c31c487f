// The search page's orders over every result (templates/assets/search/sorting.js), with fact lists written as the
// build writes them (by paper number: upvotes, days since 1970-01-01) from the real API days of tests/fixtures/reading.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { NEEDS, factFile, factsOf, isoDay, sortedBy } from "../../templates/assets/search/sorting.js";

const DAYS = fileURLToPath(new URL("../fixtures/reading/", import.meta.url));
const papers = readdirSync(DAYS).filter((name) => name.endsWith(".json")).sort()
  .flatMap((name) => JSON.parse(readFileSync(DAYS + name, "utf8")).map((entry) => entry.paper));
// Paper numbers as the index gives them, plus one paper the API gave neither fact (a text capture's).
const results = [...papers, {}].map((_, n) => ({ ref: String(n) }));
const votes = [...papers.map((p) => p.upvotes), null];
const days = [...papers.map((p) => Date.parse(p.publishedAt.slice(0, 10)) / 86400000), null];
const manifest = { facts: { v: "facts/0123456789ab.json", d: "facts/ba9876543210.json" } };

test("days since 1970 read back as the ISO day the build wrote", () => {
  assert.equal(isoDay(0), "1970-01-01");
  assert.equal(isoDay(Date.UTC(2025, 6, 7) / 86400000), "2025-07-07");
  assert.equal(isoDay(null), null);
  assert.equal(isoDay(undefined), null);
});

test("each order names the one fact file it needs; relevance and unknown orders none", () => {
  assert.equal(factFile(manifest, "upvotes"), manifest.facts.v);
  assert.equal(factFile(manifest, "newest"), manifest.facts.d);
  for (const order of ["relevance", "__proto__", "toString", "", "<script>"]) assert.equal(factFile(manifest, order), null);
  assert.equal(factFile({ facts: null }, "upvotes"), null); // an index built before fact files
  assert.deepEqual(Object.keys(NEEDS), ["upvotes", "newest"]);
});

test("relevance keeps the ranking, as a copy", () => {
  const kept = sortedBy(results, "relevance", null);
  assert.deepEqual(kept, results);
  assert.notEqual(kept, results);
});

test("most upvoted sorts every result by the upvotes list, uncounted last, ties in ranking order", () => {
  const sorted = sortedBy(results, "upvotes", votes);
  assert.equal(sorted.length, results.length);
  const shown = sorted.map((r) => votes[Number(r.ref)]);
  assert.deepEqual(shown.slice(0, -1), papers.map((p) => p.upvotes).sort((a, b) => b - a));
  assert.equal(shown.at(-1), null);
  assert.equal(papers[Number(sorted[0].ref)].id, "2507.01949"); // Kwai Keye-VL, 91 upvotes
  for (let i = 1; i < sorted.length; i++) {
    if (shown[i] === shown[i - 1]) assert.ok(Number(sorted[i - 1].ref) < Number(sorted[i].ref));
  }
});

test("newest sorts every result by the days list, latest first, undated last", () => {
  const sorted = sortedBy(results, "newest", days);
  const shown = sorted.map((r) => (Number(r.ref) < papers.length ? papers[Number(r.ref)].publishedAt.slice(0, 10) : null));
  assert.equal(shown.at(-1), null);
  assert.deepEqual(shown.slice(0, -1), papers.map((p) => p.publishedAt.slice(0, 10)).sort().reverse());
});

test("a result's facts are those of its paper number; a fact not loaded is unknown", () => {
  const facts = factsOf({ v: votes });
  assert.deepEqual(facts({ ref: "0" }), { v: papers[0].upvotes, d: null });
  assert.deepEqual(facts({ ref: String(papers.length) }), { v: null, d: null });
  assert.deepEqual(factsOf({ d: days })({ ref: "0" }), { v: null, d: papers[0].publishedAt.slice(0, 10) });
});
