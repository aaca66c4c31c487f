// The browser's recommendation modules (templates/assets/recommend/), in node: the ranking, the vector files'
// reader, the stars and their export and import. The pages that use them are tested in Chromium
// (tests/test_recommend.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import { recommendModule } from "./esm.mjs";

const rank = await recommendModule("rank");
const vectors = await recommendModule("vectors");
const stars = await recommendModule("stars");

/** Papers over named terms, as vectors.js reads them from a file. */
function papers(rows) {
  const vocabulary = new vectors.Vocabulary();
  const terms = [...new Set(rows.flatMap(([, words]) => words))].sort();
  const data = {
    terms,
    papers: rows.map(([slug, words]) => {
      const positions = words.map((w) => terms.indexOf(w)).sort((a, b) => a - b);
      return [slug, slug.toUpperCase(), positions.map((p, i) => p - (i ? positions[i - 1] : -1)), positions.map(() => 200)];
    }),
  };
  return { vocabulary, list: vectors.readPapers(data, vocabulary) };
}

const VIDEO = ["video", "diffusion", "frames", "generation"];
const AGENTS = ["agent", "tool", "harness", "planning"];
function corpus() {
  const rows = [];
  for (let i = 0; i < 30; i++) rows.push([`video-${i}`, [VIDEO[i % 4], VIDEO[(i + 1) % 4], `rare${i}`]]);
  for (let i = 0; i < 60; i++) rows.push([`agents-${i}`, [AGENTS[i % 4], AGENTS[(i + 2) % 4], `other${i}`]]);
  return papers(rows);
}

test("three starred video papers rank the other video papers first, with video words as the reason", () => {
  const { vocabulary, list } = corpus();
  const starred = list.filter((p) => ["video-0", "video-1", "video-2"].includes(p.slug));
  const results = rank.recommend(starred, list, [], vocabulary.terms, { count: 10 });
  assert.equal(results.length, 10);
  assert.ok(results.every((r) => r.paper.slug.startsWith("video-")), results.map((r) => r.paper.slug).join(" "));
  assert.ok(results.every((r) => !["video-0", "video-1", "video-2"].includes(r.paper.slug)), "starred papers are not recommended");
  // the words that add most: video words first (a paper taken as a star by feedback also adds its own rare word)
  assert.ok(results.every((r) => VIDEO.includes(r.reasons[0]) && r.reasons.every((w) => !AGENTS.includes(w))), JSON.stringify(results.map((r) => r.reasons)));
  for (let i = 1; i < results.length; i++) assert.ok(results[i - 1].score >= results[i].score, "best first");
});

test("the best candidates of a first model count as stars too: papers that share words only with them come next", () => {
  const rows = [];
  for (let i = 0; i < 3; i++) rows.push([`star-${i}`, ["a", "d", `s${i}`]]);
  for (let i = 0; i < 5; i++) rows.push([`near-${i}`, ["a", "b"]]); // share a word with the stars, and "b"
  for (let i = 0; i < 10; i++) rows.push([`next-${i}`, ["b", `n${i}`]]); // share only "b" with the near ones
  for (let i = 0; i < 10; i++) rows.push([`weak-${i}`, ["d", "e", `w${i}`]]); // share the stars' other word
  for (let i = 0; i < 40; i++) rows.push([`far-${i}`, ["c", `f${i}`]]);
  const { vocabulary, list } = papers(rows);
  const starred = list.slice(0, 3);
  const slugs = (options) => rank.recommend(starred, list, [], vocabulary.terms, { count: 10, ...options }).map((r) => r.paper.slug);
  const shown = slugs({});
  assert.ok(shown.slice(0, 5).every((s) => s.startsWith("near-")), shown.join(" "));
  assert.ok(shown.slice(5).every((s) => s.startsWith("next-")), shown.join(" "));
  const without = slugs({ feedback: 0 }); // without feedback "b" is a word of papers the reader did not star
  assert.ok(without.slice(5).every((s) => s.startsWith("weak-")), without.join(" "));
});

test("the model is the same on every visit: same stars, same order", () => {
  const { vocabulary, list } = corpus();
  const starred = list.slice(40, 43);
  const once = rank.recommend(starred, list, [], vocabulary.terms, { count: 20 }).map((r) => [r.paper.slug, r.score]);
  const again = rank.recommend(starred, list, [], vocabulary.terms, { count: 20 }).map((r) => [r.paper.slug, r.score]);
  assert.deepEqual(once, again);
});

test("the SVM separates the classes it was trained on, and no stars give no recommendation", () => {
  const { vocabulary, list } = corpus();
  const positives = list.slice(0, 30);
  const model = rank.train(positives, list.slice(30), vocabulary.terms.length);
  const lowestPositive = Math.min(...positives.map((p) => rank.score(model, p)));
  const highestNegative = Math.max(...list.slice(30).map((p) => rank.score(model, p)));
  assert.ok(lowestPositive > highestNegative, `${lowestPositive} > ${highestNegative}`);
  assert.deepEqual(rank.recommend([], list, [], vocabulary.terms), []);
});

test("a vector file's papers come back unit length over one numbering shared by every file", () => {
  const vocabulary = new vectors.Vocabulary();
  const a = vectors.readPapers({ terms: ["b", "c"], papers: [["x", "X", [1, 1], [255, 128]]] }, vocabulary);
  const b = vectors.readPapers({ terms: ["a", "c"], papers: [["y", "Y", [2], [7]]] }, vocabulary);
  assert.deepEqual(vocabulary.terms, ["b", "c", "a"]);
  assert.deepEqual([...a[0].ids], [0, 1]);
  assert.deepEqual([...b[0].ids], [1]);
  const norm = Math.hypot(...a[0].values);
  assert.ok(Math.abs(norm - 1) < 1e-6);
  assert.ok(Math.abs(a[0].values[0] / a[0].values[1] - 255 / 128) < 1e-5);
});

test("rows that do not fit the format are skipped, never read out of range", () => {
  const vocabulary = new vectors.Vocabulary();
  const read = vectors.readPapers({ terms: ["a"], papers: [["x", "X", [5], [1]], ["y", "Y", [1], [0]], ["w", "W", [0], [1]], [1, "Z", [1], [1]], "junk", ["ok", "OK", [1], [3]]] }, vocabulary);
  assert.deepEqual(read.map((p) => p.slug), ["ok"]);
  assert.deepEqual(vectors.readPapers(null, vocabulary), []);
});

test("bucketOf is FNV-1a over UTF-8, as the build computes it", () => {
  // FNV-1a 32 of "" is 0x811c9dc5, of "a" is 0xe40c292c (the published test vectors)
  assert.equal(vectors.bucketOf("", 2 ** 32 - 1), 0x811c9dc5 % (2 ** 32 - 1));
  assert.equal(vectors.bucketOf("a", 1000), 0xe40c292c % 1000);
});

test("stars toggle, merge without duplicates, and drop what names no paper", () => {
  let list = stars.toggled([], { slug: "lora", title: "LoRA" });
  list = stars.toggled(list, { slug: "bert", title: "BERT" });
  assert.deepEqual(list.map((s) => s.slug), ["lora", "bert"]);
  list = stars.toggled(list, { slug: "lora" });
  assert.deepEqual(list.map((s) => s.slug), ["bert"]);
  assert.deepEqual(stars.merged(list, [{ slug: "bert", title: "again" }, { slug: "../etc/passwd" }, { slug: "new", title: 5 }]).map((s) => [s.slug, s.title]), [["bert", "BERT"], ["new", "new"]]);
});

test("stars kept in storage come back; storage that refuses or holds junk gives none", () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  const key = stars.storageKey("/my-digest/");
  assert.ok(stars.writeStars(storage, key, [{ slug: "lora", title: "LoRA", arxiv: "2106.09685" }]));
  assert.deepEqual(stars.readStars(storage, key), [{ slug: "lora", title: "LoRA", arxiv: "2106.09685" }]);
  assert.deepEqual(stars.readStars(storage, stars.storageKey("/other/")), []);
  store.set(key, "{not json");
  assert.deepEqual(stars.readStars(storage, key), []);
  const full = { getItem: () => null, setItem: () => { throw new Error("QuotaExceededError"); } };
  assert.equal(stars.writeStars(full, key, []), false);
});

const HOSTILE = { slug: "evil-paper", title: "Attack} @misc{x, title={<img src=x onerror=alert(1)>} 100% & $5_^~", arxiv: "2401.00001", authors: ["A {B}", "C \\D"], year: 2024 };

test("JSON export and import give the same stars back", () => {
  const list = [HOSTILE, { slug: "lora", title: "LoRA" }];
  const back = stars.fromJSON(stars.toJSON(list));
  assert.deepEqual(back, stars.cleanStars(list));
  assert.throws(() => stars.fromJSON("@misc{"));
});

test("BibTeX export is one entry per star, keyed by slug, that an import reads back; braces cannot break out", () => {
  const bib = stars.toBibTeX([HOSTILE, { slug: "lora", title: "LoRA" }], "https://example.org/d/", "papers/{}/");
  assert.equal((bib.match(/^@misc\{/gm) || []).length, 2, bib);
  assert.match(bib, /eprint = \{2401\.00001\}/);
  assert.match(bib, /url = \{https:\/\/example\.org\/d\/papers\/lora\/\}/);
  const back = stars.fromBibTeX(bib);
  assert.deepEqual(back.map((s) => s.slug), ["evil-paper", "lora"]);
  assert.equal(back[0].arxiv, "2401.00001");
  assert.equal(back[0].year, 2024);
  assert.deepEqual(back[0].authors, ["A B", "C D"]);
  assert.ok(back[0].title.includes("100% & $5_^~"), back[0].title);
});
