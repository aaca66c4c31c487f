// scorer.js ranks the shards exactly as lunr.js ranks one unsharded index of the same documents: same refs in the
// same order, scores equal (===), same matched terms. The oracle is lunr.js's own query (fixture.mjs lunrQuery).
import assert from "node:assert/strict";
import { test } from "node:test";
import { expansionOrder, score } from "../../templates/assets/search/scorer.js";
import { shardFiles } from "../../templates/assets/search/shards.js";
import { file, lunr, lunrQuery, manifest, read, reference } from "./fixture.mjs";

const allTerms = Object.keys(reference.invertedIndex).sort();
const scored = (text) => score(manifest, shardFiles(manifest, text).map(file), text);
const comparable = (r) => [r.ref, r.score, Object.keys(r.matchData.metadata).sort()];

function assertSameRanking(text) {
  const results = lunrQuery(text);
  assert.deepStrictEqual(scored(text).map(comparable), results.map(comparable), JSON.stringify(text));
  return results;
}

const ties = (results) => results.filter((r, i) => i > 0 && r.score === results[i - 1].score).length;
const step = Math.max(1, Math.floor(allTerms.length / 150));
const sampled = allTerms.filter((_, i) => i % step === 0);
const typed = [];
for (const text of ["speech recognition", "large language models", "Retrieval-augmented generation", "über naïve"]) {
  for (let n = 1; n <= text.length; n++) typed.push(text.slice(0, n));
}
for (const word of sampled.slice(0, 60)) for (let n = 1; n <= 5; n++) typed.push(word.slice(0, n));

test("every query of the fixture ranks as the unsharded index", () => {
  assert.ok(read("queries.json").filter((q) => assertSameRanking(q).length > 0).length >= 20);
});

test("single index terms, two and three word queries rank as the unsharded index", () => {
  for (const term of sampled) {
    assertSameRanking(term);
    assertSameRanking(term + " ");
  }
  sampled.slice(0, 90).forEach((t, i) => assertSameRanking(i % 2 ? `${t} ${sampled[i + 1] || ""}` : `${t} ${sampled[i + 1] || ""} ${sampled[i + 2] || ""}`));
});

test("every prefix a typing reader passes through ranks as the unsharded index", () => {
  assert.ok(typed.filter((text) => assertSameRanking(text).length > 0).length > typed.length / 2);
});

// Terms by how many papers have them, most first: their combinations match nearly every paper.
const byPapers = allTerms.map((term) => {
  const posting = reference.invertedIndex[term];
  return [term, new Set(reference.fields.flatMap((field) => Object.keys(posting[field]))).size];
}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));

test("queries matching nearly every paper rank as the unsharded index", () => {
  const common = byPapers.slice(0, 12).map(([term]) => term);
  const texts = [common.slice(0, 3).join(" "), common.slice(0, 6).join(" "), common.slice(0, 12).join(" "),
    common.slice(3, 5).join(" ") + " " + common[0].slice(0, 2), common[1].slice(0, 2), common[2].slice(0, 3)];
  assert.ok(Math.max(...texts.map((text) => assertSameRanking(text).length)) >= 0.9 * manifest.papers);
});

test("queries where many papers tie keep lunr's order among equal scores", () => {
  const rare = byPapers.filter(([, n]) => n >= 2 && n <= 40).map(([term]) => term);
  const pick = rare.filter((_, i) => i % Math.max(1, Math.floor(rare.length / 200)) === 0);
  let tied = 0;
  for (const term of pick) tied += ties(assertSameRanking(term));
  for (let i = 0; i + 1 < pick.length && i < 80; i += 2) tied += ties(assertSameRanking(`${pick[i]} ${pick[i + 1]}`));
  assert.ok(tied >= 10, `only ${tied} ties`);
});

test("a trailing wildcard expands to terms in the order lunr's TokenSet lists them", () => {
  const prefixes = [...new Set(allTerms.map((t) => t.slice(0, 2)))].filter((p) => !p.includes("*"));
  for (const prefix of prefixes) {
    const expected = reference.tokenSet.intersect(lunr.TokenSet.fromString(prefix + "*")).toArray();
    assert.deepEqual(allTerms.filter((t) => t.startsWith(prefix)).sort(expansionOrder), expected, prefix);
  }
});
