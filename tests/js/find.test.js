// What the page keeps of lunr's ranking: papers with every word (lunr's order), else those with some of them (most
// words first, then lunr's order), the phrases, the typo corrections. The oracle is lunr's own query over one
// unsharded index and the indexed text itself, never search.js's masks or position shards.
// Run by tests/test_search.py with SHARD_PARITY=<fixture dir> (tests/js/shard_parity.py writes it); alone
// (`node --test tests/js/`) it writes the seed site's fixture first.
"use strict";
const assert = require("node:assert/strict");
const { test } = require("node:test");
const { lunr, search, read, manifest, reference } = require("./fixture.js");
const documents = read("documents.json");
const positions = search.readPositions(manifest, read(manifest.positions));
const cache = {};
const file = (name) => cache[name] || (cache[name] = read(name));
const stem = search.stem; // lunr.py's stemmer, checked word for word by search.test.js
const allTerms = Object.keys(reference.invertedIndex).sort();

/** The page's results for text (search.js find over the shards it loads). */
function found(text) {
  return search.find(lunr, manifest, search.shardFiles(lunr, manifest, text).map(file), text);
}

/** lunr's results for the clauses the page sends, kept as the page keeps them: the oracle. */
function expected(text) {
  const results = search.runQuery(lunr, reference, text);
  const words = search.requiredWords(lunr, text);
  const own = (manifest.words || manifest.fields);
  const has = (r, w) => Object.entries(r.matchData.metadata).some(([term, fields]) =>
    (w.stems.includes(term) || (w.prefix !== null && term.startsWith(w.prefix))) && Object.keys(fields).some((f) => own.includes(f)));
  const count = (r) => words.filter((w) => has(r, w)).length;
  if (!words.length) return { results, all: true };
  const all = results.filter((r) => count(r) === words.length);
  if (all.length || words.length === 1) return { results: all, all: true };
  const some = results.map((r, i) => [count(r), i, r]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map((x) => x[2]);
  return { results: some, all: false };
}

const comparable = (answer) => [answer.all, answer.results.map((r) => [r.ref, r.score])];

function assertSame(text) {
  const answer = found(text);
  assert.deepStrictEqual(comparable(answer), comparable(expected(text)), JSON.stringify(text));
  return answer;
}

const step = Math.max(1, Math.floor(allTerms.length / 120));
const sampled = allTerms.filter((_, i) => i % step === 0);

test("every query of the fixture keeps lunr's results that have every word, in lunr's order", () => {
  const queries = read("queries.json");
  const answers = queries.map(assertSame);
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

test("a last word of one letter, still being typed, is not required yet", () => {
  assert.deepEqual(search.requiredWords(lunr, "speech r").map((w) => w.word), ["speech"]);
  assert.deepEqual(search.requiredWords(lunr, "speech r ").map((w) => w.word), ["speech", "r"]);
  assert.deepEqual(search.requiredWords(lunr, "speech re").map((w) => [w.word, w.prefix]), [["speech", null], ["re", "re"]]);
  assert.deepEqual(search.requiredWords(lunr, "mixture of experts").map((w) => w.word), ["mixture", "experts"]);
  const typing = found("speech r"), typed = found("speech");
  assert.ok(typing.all && typing.results.length === typed.results.length);
});

test("every result of an all-words query has each word in its own text, not only in a topic label", () => {
  for (const text of ["speech recognition", "music generation", "large language models ", "diffusion image", "self-supervised speech"]) {
    const answer = found(text);
    if (!answer.all) continue;
    for (const r of answer.results) {
      const doc = documents[Number(r.ref)];
      const own = (manifest.words || manifest.fields).map((f) => doc[f] || "").join(" ").toLowerCase();
      const stems = new Set(own.split(lunr.tokenizer.separator).map((w) => stem(lunr.trimmer(new lunr.Token(w, {})).toString())));
      for (const w of search.requiredWords(lunr, text)) {
        assert.ok(w.stems.some((s) => stems.has(s)) || (w.prefix && [...stems].some((s) => s.startsWith(w.prefix))), `${text}: ${w.word} in ${r.ref}`);
      }
    }
  }
});

let tokens = null;
/** Every paper's title and abstract as stemmed tokens (the way lunr's builder splits them), made once. */
function tokenized() {
  tokens = tokens || documents.map((doc) => positions.fields.map((field) =>
    String(doc[field] || "").toLowerCase().split(/[ \t\n\r\f\v\xa0-]/).filter(Boolean).map((w) => stem(lunr.trimmer(new lunr.Token(w, {})).toString()))));
  return tokens;
}

/** The papers whose title or abstract holds the phrase's words one after another (stemmed; stop words hold a place). */
function phraseOracle(phrase) {
  const want = phrase.toLowerCase().split(lunr.tokenizer.separator).filter(Boolean)
    .map((w) => lunr.trimmer(new lunr.Token(w, {})).toString()).map((w) => (w && lunr.stopWordFilter(new lunr.Token(w, {})) ? stem(w) : null));
  while (want.length && want[0] === null) want.shift(); // "the model" holds "model" wherever it stands
  while (want.length && want[want.length - 1] === null) want.pop();
  const hits = new Set();
  tokenized().forEach((fields, number) => {
    for (const tokens of fields) {
      for (let i = 0; i + want.length <= tokens.length; i++) {
        if (want.every((w, k) => w === null || tokens[i + k] === w)) { hits.add(String(number)); break; }
      }
    }
  });
  return hits;
}

test("a quoted phrase keeps exactly the papers whose title or abstract holds it", () => {
  const phrases = ["masked language model", "speech recognition", "large language models", "mixture of experts",
    "state of the art", "in-context learning", "zero-shot", "language model", "reinforcement learning from human feedback"];
  // and phrases cut from the indexed text itself, so every fixture has ones that occur
  documents.slice(0, 40).forEach((doc) => {
    const words = String(doc.abstract || "").split(/\s+/).filter((w) => /^[a-z]{3,}$/i.test(w));
    if (words.length > 6) phrases.push(words.slice(2, 5).join(" "));
  });
  let matched = 0;
  for (const phrase of phrases) {
    const text = `"${phrase}"`, list = search.phrases(lunr, text);
    if (!list.length) continue;
    const candidates = found(text).results;
    const shards = search.phraseFiles(positions, list).map(file);
    const kept = search.withPhrases(candidates, shards, list).map((r) => r.ref);
    const oracle = phraseOracle(phrase);
    assert.deepEqual(new Set(kept), new Set(candidates.map((r) => r.ref).filter((ref) => oracle.has(ref))), phrase);
    assert.deepEqual(new Set(kept), oracle, phrase); // every paper with the phrase has its words: none is lost
    matched += kept.length > 0;
  }
  assert.ok(matched >= 20, `only ${matched} phrases found`);
});

test("a phrase loads only the position files of its own terms", () => {
  const list = search.phrases(lunr, '"masked language model"');
  assert.deepEqual(list.map((p) => p.terms), [["mask", "languag", "model"]]);
  const files = search.phraseFiles(positions, list);
  assert.ok(files.length >= 1 && files.length <= 3 && files.length < Object.keys(positions.shards).length);
  assert.deepEqual(search.phrases(lunr, '"of the" lora "x"'), []); // stop words or one word alone: no phrase
});

test("spellings one edit away keep the first two characters or swap neighbours", () => {
  const spelled = search.variants("trasnformer");
  assert.ok(spelled.includes("transformer") && spelled.includes("rtasnformer") && !spelled.includes("trasnformer"));
  for (const v of spelled) {
    const swapped = [...Array(v.length - 1).keys()].some((i) => v.slice(0, i) + v[i + 1] + v[i] + v.slice(i + 2) === "trasnformer");
    assert.ok(swapped || v.slice(0, 2) === "tr", v);
    assert.ok(Math.abs(v.length - "trasnformer".length) <= 1, v);
  }
});

test("a mistyped word is corrected to the spelling most papers have", () => {
  // Words many papers have, mistyped by swapping two middle letters: the correction finds them again.
  let corrected = 0;
  for (const word of ["transformer", "recognition", "language", "generation", "learning", "attention", "training"]) {
    const typo = word.slice(0, 3) + word[4] + word[3] + word.slice(5);
    const files = search.typoFiles(lunr, manifest, [typo]);
    // no more than a prefix of the word's first two characters loads, and its neighbours' swaps
    const start = new Set(search.prefixKeys(manifest, typo.slice(0, 2)).map((key) => manifest.shards[key]));
    assert.ok(files.length <= start.size + 2, `${typo}: ${files.length} files`);
    const fix = search.correction(lunr, manifest, files.map(file), typo, 0);
    if (fix === null) continue; // the fixture may not have the word
    assert.equal(stem(fix), stem(word), typo);
    corrected++;
  }
  assert.ok(corrected >= 3, `only ${corrected} corrected`);
  assert.equal(search.correction(lunr, manifest, search.typoFiles(lunr, manifest, ["zzzzqqq"]).map(file), "zzzzqqq", 0), null);
});

test("the page's query corrects a mistyped word inside a phrase and keeps the phrase", async () => {
  const { dir } = require("./fixture.js");
  const path = require("node:path");
  const fs = require("node:fs");
  const { pathToFileURL, fileURLToPath } = require("node:url");
  const saved = globalThis.fetch;
  globalThis.fetch = async (url) => new Response(fs.readFileSync(fileURLToPath(String(url))));
  try {
    const page = new search.Search(lunr, manifest, pathToFileURL(path.join(dir, "manifest.json")).href);
    const right = await page.query('"language model"');
    const wrong = await page.query('"langauge model"');
    assert.ok(right.results.length > 0 && right.notice === "");
    assert.match(wrong.notice, /^Showing results for \u201c"language model"\u201d/);
    assert.deepEqual(new Set(wrong.results.map((r) => r.ref)), new Set(right.results.map((r) => r.ref)));
  } finally {
    globalThis.fetch = saved;
  }
});
