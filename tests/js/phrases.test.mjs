// phrases.js: a quoted phrase keeps exactly the papers whose title or abstract holds it, judged against the indexed
// text itself (tokenized as the index does), never against the position shards.
import assert from "node:assert/strict";
import { test } from "node:test";
import { phraseFiles, phrases, withPhrases } from "../../templates/assets/search/phrases.js";
import { readPositions, shardFiles } from "../../templates/assets/search/shards.js";
import { stem } from "../../templates/assets/search/stemmer.js";
import { find } from "../../templates/assets/search/words.js";
import { documents, file, indexTrim, lunr, manifest, read } from "./fixture.mjs";

const positions = readPositions(manifest, read(manifest.positions));
const stopped = (w) => !lunr.stopWordFilter(new lunr.Token(w, {}));
const tokens = documents.map((doc) => positions.fields.map((field) =>
  String(doc[field] || "").toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").split(/[ \t\n\r\f\v\xa0-]/).filter(Boolean).map((w) => stem(indexTrim(w)))));

/** The papers whose title or abstract holds the phrase's words one after another (stemmed; stop words hold a place). */
function phraseOracle(phrase) {
  const want = phrase.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").split(/[\s\-]+/).filter(Boolean).map((w) => w.replace(/^\W+/, "").replace(/\W+$/, "")).map((w) => (w && !stopped(w) ? stem(w) : null));
  while (want.length && want[0] === null) want.shift();
  while (want.length && want[want.length - 1] === null) want.pop();
  const hits = new Set();
  tokens.forEach((fields, number) => {
    for (const list of fields) {
      for (let i = 0; i + want.length <= list.length; i++) {
        if (want.every((w, k) => w === null || list[i + k] === w)) { hits.add(String(number)); break; }
      }
    }
  });
  return hits;
}

test("a quoted phrase keeps exactly the papers whose title or abstract holds it", () => {
  const asked = ["masked language model", "speech recognition", "large language models", "mixture of experts",
    "state of the art", "in-context learning", "zero-shot", "language model", "reinforcement learning from human feedback"];
  documents.slice(0, 40).forEach((doc) => { // and phrases cut from the indexed text itself, so every fixture has ones that occur
    const words = String(doc.abstract || "").split(/\s+/).filter((w) => /^[a-z]{3,}$/i.test(w));
    if (words.length > 6) asked.push(words.slice(2, 5).join(" "));
  });
  let matched = 0;
  for (const phrase of asked) {
    const text = `"${phrase}"`, list = phrases(text);
    if (!list.length) continue;
    const candidates = find(manifest, shardFiles(manifest, text).map(file), text).results;
    const kept = withPhrases(candidates, phraseFiles(positions, list).map(file), list).map((r) => r.ref);
    assert.deepEqual(new Set(kept), phraseOracle(phrase), phrase); // every paper with the phrase has its words: none is lost
    matched += kept.length > 0;
  }
  assert.ok(matched >= 20, `only ${matched} phrases found`);
});

test("a phrase loads only the position files of its own terms; stop words or one word alone make no phrase", () => {
  const list = phrases('"masked language model"');
  assert.deepEqual(list.map((p) => p.terms), [["mask", "languag", "model"]]);
  const files = phraseFiles(positions, list);
  assert.ok(files.length >= 1 && files.length <= 3 && files.length < Object.keys(positions.shards).length);
  assert.deepEqual(phrases('"of the" lora "x"'), []);
  assert.deepEqual(phrases('"the state of the art"').map((p) => p.terms), [["state", null, null, "art"]]);
});
