// words.js: the papers with every word, else those with some of them (most words first, then by score). The
// oracle: lunr.js's query over the `lunr` package's index, and the required words written from the spec
// (fixture.mjs), judged on each paper's own indexed text, never on the page's masks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { shardFiles } from "../../templates/assets/search/shards.js";
import { stem } from "../../templates/assets/search/stemmer.js";
import { find } from "../../templates/assets/search/words.js";
import { documents, file, indexTrim, lunr, lunrQuery, manifest, oracleWords, read, reference } from "./fixture.mjs";

const found = (text) => find(manifest, shardFiles(manifest, text).map(file), text);
const own = manifest.words || manifest.fields;
const ownStems = documents.map((doc) => new Set(own.map((f) => String(doc[f] || "")).join(" ").toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").split(/[ \t\n\r\f\v\xa0-]+/)
  .map(indexTrim).filter((w) => lunr.stopWordFilter(new lunr.Token(w, {}))).map(stem))); // as the index: no stop words
const hasWord = (ref, w) => ownStems[Number(ref)].has(w.stem) || (w.prefix !== null && [...ownStems[Number(ref)]].some((s) => s.startsWith(w.prefix)));

function expected(text) {
  const results = lunrQuery(text), words = oracleWords(text);
  if (!words.length) return { results, all: true };
  const count = (r) => words.filter((w) => hasWord(r.ref, w)).length;
  const all = results.filter((r) => count(r) === words.length);
  if (all.length || words.length === 1) return { results: all, all: true };
  return { results: results.map((r, i) => [count(r), i, r]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((x) => x[2]), all: false };
}

/** The page keeps the oracle's papers, in its own score order (scorer.test.mjs checks that against lunr), or, when
    no paper has every word, those with most words first. */
function assertSame(text) {
  const answer = found(text), oracle = expected(text), where = JSON.stringify(text);
  assert.equal(answer.all, oracle.all, where);
  assert.deepEqual(answer.results.map((r) => r.ref).sort(), oracle.results.map((r) => r.ref).sort(), where);
  const words = oracleWords(text), count = (r) => words.filter((w) => hasWord(r.ref, w)).length;
  answer.results.forEach((r, i) => {
    if (!i) return;
    const before = answer.results[i - 1];
    if (answer.all) assert.ok(before.score >= r.score, `${where}: order at ${i}`);
    else assert.ok(count(before) > count(r) || (count(before) === count(r) && before.score >= r.score), `${where}: order at ${i}`);
  });
  return answer;
}

const allTerms = Object.keys(reference.invertedIndex).sort();
const sampled = allTerms.filter((_, i) => i % Math.max(1, Math.floor(allTerms.length / 120)) === 0);

test("every query of the fixture keeps the papers that have every word", () => {
  const answers = read("queries.json").map(assertSame);
  assert.ok(answers.filter((a) => a.all && a.results.length > 0).length >= 20);
  assert.ok(answers.some((a) => !a.all), "some query falls back to papers with some of its words");
});

test("pairs and triples of index terms, typed and followed by a space, keep the papers with every word, else with most", () => {
  let fallbacks = 0;
  for (let i = 0; i + 2 < sampled.length; i += 2) {
    for (const text of [`${sampled[i]} ${sampled[i + 1]}`, `${sampled[i]} ${sampled[i + 1]} ${sampled[i + 2]} `, `${sampled[i]} ${sampled[i + 2].slice(0, 3)}`]) {
      if (!assertSame(text).all) fallbacks++;
    }
  }
  assert.ok(fallbacks > 10, `only ${fallbacks} fallbacks`);
});

test("a last word still being typed does not narrow the results yet", () => {
  const typing = found("speech r"), typed = found("speech");
  assert.ok(typing.all && typing.results.length === typed.results.length);
});
