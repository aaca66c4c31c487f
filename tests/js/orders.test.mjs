// The orders search results can be read in (templates/assets/orders.js), on the real API days of
// tests/fixtures/reading: each result's facts are the API's own upvotes and arXiv day.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ORDERS, orderOf, ordered, withOrder } from "../../templates/assets/orders.js";

const DAYS = fileURLToPath(new URL("../fixtures/reading/", import.meta.url));
const papers = readdirSync(DAYS).filter((name) => name.endsWith(".json")).sort()
  .flatMap((name) => JSON.parse(readFileSync(DAYS + name, "utf8")).map((entry) => entry.paper));
// The search's ranking stands in as the fixture's order: what "relevance" must keep.
const results = papers.map((paper) => ({ ref: paper.id }));
const facts = Object.fromEntries(papers.map((p) => [p.id, { v: p.upvotes, d: p.publishedAt.slice(0, 10) }]));
const factsOf = (result) => facts[result.ref];

test("relevance keeps the search's ranking", () => {
  assert.deepEqual(ordered(results, "relevance", factsOf), results);
  assert.notEqual(ordered(results, "relevance", factsOf), results); // a copy: the caller's list is not reordered
});

test("most upvoted puts the API's upvotes in non-increasing order, ties in ranking order", () => {
  const sorted = ordered(results, "upvotes", factsOf);
  assert.equal(sorted.length, results.length);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [factsOf(sorted[i - 1]), factsOf(sorted[i])];
    assert.ok(a.v >= b.v);
    if (a.v === b.v) assert.ok(results.indexOf(sorted[i - 1]) < results.indexOf(sorted[i]));
  }
  assert.equal(sorted[0].ref, "2507.01949"); // Kwai Keye-VL, 91 upvotes
});

test("newest puts arXiv days in non-increasing order, undated last", () => {
  const withUndated = [{ ref: "none" }, ...results];
  const sorted = ordered(withUndated, "newest", (r) => facts[r.ref] || {});
  assert.equal(sorted.at(-1).ref, "none");
  const days = sorted.slice(0, -1).map((r) => facts[r.ref].d);
  assert.deepEqual(days, [...days].sort().reverse());
});

test("the order is read from and written to the URL", () => {
  assert.equal(orderOf("?q=diffusion&sort=upvotes"), "upvotes");
  assert.equal(orderOf("?q=diffusion&sort=newest"), "newest");
  for (const other of ["?q=x", "?q=x&sort=", "?q=x&sort=__proto__", "?q=x&sort=<script>"]) assert.equal(orderOf(other), "relevance");
  const base = "http://127.0.0.1/my-digest/search/?q=diffusion";
  assert.equal(withOrder(base, "upvotes"), base + "&sort=upvotes");
  assert.equal(withOrder(base + "&sort=upvotes", "relevance"), base);
  assert.deepEqual(Object.keys(ORDERS), ["relevance", "upvotes", "newest"]);
});
