// scorer.js, scoring when a query runs from the shards' term counts and field lengths, ranks as lunr.js ranks the
// `lunr` package's own index of the same documents (its stored BM25 weights): the same papers, the same matched
// terms, scores in proportion (lunr divides by the query vector's length and rounds weights to 3 decimals), and
// the same order wherever lunr's scores differ by more than that rounding. The oracle is lunr.js's query over it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { score } from "../../templates/assets/search/scorer.js";
import { shardFiles } from "../../templates/assets/search/shards.js";
import { file, lunrQuery, manifest, read, reference } from "./fixture.mjs";

const allTerms = Object.keys(reference.invertedIndex).sort();
const scored = (text) => score(manifest, shardFiles(manifest, text).map(file), text);
const terms = (r) => Object.keys(r.matchData.metadata).sort();

function assertSameRanking(text) {
  const expected = lunrQuery(text), found = scored(text);
  const where = JSON.stringify(text);
  assert.deepEqual(found.map((r) => r.ref).sort(), expected.map((r) => r.ref).sort(), where);
  if (!found.length) return expected;
  const lunrScore = new Map(expected.map((r) => [r.ref, r]));
  const scale = lunrScore.get(found[0].ref).score / found[0].score;
  const matched = new Set(found.flatMap(terms)).size;
  const tolerance = 0.0005 * 5 * matched + 1e-9; // each (term, field) weight lunr rounds to 3 decimals
  found.forEach((r, i) => {
    const theirs = lunrScore.get(r.ref);
    assert.deepEqual(terms(r), terms(theirs), `${where}: terms of ${r.ref}`);
    assert.ok(Math.abs(r.score * scale - theirs.score) <= tolerance + 1e-3 * theirs.score, `${where}: score of ${r.ref}: ${r.score * scale} ${theirs.score}`);
    if (i > 0) assert.ok(lunrScore.get(found[i - 1].ref).score >= theirs.score - 2 * tolerance, `${where}: order at ${i}`);
  });
  return expected;
}

const step = Math.max(1, Math.floor(allTerms.length / 150));
const sampled = allTerms.filter((_, i) => i % step === 0);
const typed = [];
for (const text of ["speech recognition", "large language models", "Retrieval-augmented generation", "über naïve"]) {
  for (let n = 1; n <= text.length; n++) typed.push(text.slice(0, n));
}
for (const word of sampled.slice(0, 60)) for (let n = 1; n <= 5; n++) typed.push(word.slice(0, n));

test("every query of the fixture ranks as lunr over the lunr package's index", () => {
  assert.ok(read("queries.json").filter((q) => assertSameRanking(q).length > 0).length >= 20);
});

test("single index terms, two and three word queries rank as lunr", () => {
  for (const term of sampled) {
    assertSameRanking(term);
    assertSameRanking(term + " ");
  }
  sampled.slice(0, 90).forEach((t, i) => assertSameRanking(i % 2 ? `${t} ${sampled[i + 1] || ""}` : `${t} ${sampled[i + 1] || ""} ${sampled[i + 2] || ""}`));
});

test("every prefix a typing reader passes through ranks as lunr", () => {
  assert.ok(typed.filter((text) => assertSameRanking(text).length > 0).length > typed.length / 2);
});

// Terms by how many papers have them, most first: their combinations match nearly every paper.
const byPapers = allTerms.map((term) => {
  const posting = reference.invertedIndex[term];
  return [term, new Set(reference.fields.flatMap((field) => Object.keys(posting[field]))).size];
}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

test("queries matching nearly every paper rank as lunr", () => {
  const common = byPapers.slice(0, 12).map(([term]) => term);
  const texts = [common.slice(0, 3).join(" "), common.slice(0, 6).join(" "), common.slice(0, 12).join(" "),
    common.slice(3, 5).join(" ") + " " + common[0].slice(0, 2), common[1].slice(0, 2), common[2].slice(0, 3)];
  assert.ok(Math.max(...texts.map((text) => assertSameRanking(text).length)) >= 0.9 * manifest.papers);
});

test("equal scores list the newest paper (the highest number) first", () => {
  const rare = byPapers.filter(([, n]) => n >= 2 && n <= 40).map(([term]) => term);
  let tied = 0;
  for (const term of rare.slice(0, 400)) {
    const found = scored(term + " ");
    found.forEach((r, i) => {
      if (i && r.score === found[i - 1].score) { tied++; assert.ok(r._doc < found[i - 1]._doc, term); }
    });
  }
  assert.ok(tied >= 5, `only ${tied} ties`);
});
