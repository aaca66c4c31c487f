// words.js: the papers with every word (lunr's order), else those with some of them (most words first, then lunr's
// order). The oracle: lunr.js's query over one unsharded index, and the required words written from the spec
// (fixture.mjs), judged on each paper's own indexed text, never on the page's masks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { shardFiles } from "../../templates/assets/search/shards.js";
import { stem } from "../../templates/assets/search/stemmer.js";
import { find } from "../../templates/assets/search/words.js";
import { documents, file, indexTrim, lunr, lunrQuery, manifest, oracleWords, read, reference } from "./fixture.mjs";

const found = (text) => find(manifest, shardFiles(manifest, text).map(file), text);
const own = manifest.words || manifest.fields;
const ownStems = documents.map((doc) => new Set(own.map((f) => String(doc[f] || "")).join(" ").toLowerCase().split(/[ \t\n\r\f\v\xa0-]+/)
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

const comparable = (answer) => [answer.all, answer.results.map((r) => [r.ref, r.score])];
function assertSame(text) {
  const answer = found(text);
  assert.deepStrictEqual(comparable(answer), comparable(expected(text)), JSON.stringify(text));
  return answer;
}

const allTerms = Object.keys(reference.invertedIndex).sort();
const sampled = allTerms.filter((_, i) => i % Math.max(1, Math.floor(allTerms.length / 120)) === 0);

test("every query of the fixture keeps lunr's results that have every word, in lunr's order", () => {
  const answers = read("queries.json").map(assertSame);
  assert.ok(answers.filter((a) => a.all && a.results.length > 0).length >= 20);
  assert.ok(answers.some((a) => !a.all), "some query falls back to papers with some of its words");
});

test("pairs and triples of index terms, typed and followed by a space, keep lunr's order", () => {
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
