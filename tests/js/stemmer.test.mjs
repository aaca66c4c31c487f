// stemmer.js: the index's stemmer (the `lunr` Python package's Porter stemmer). tests/test_stemmer.py compares it
// with lunr.py on every word of the corpora and 30,000 generated ones; these are Porter's cases and the words
// lunr.js's own stemmer gets wrong, with lunr.py's stems.
import assert from "node:assert/strict";
import { test } from "node:test";
import { stem } from "../../templates/assets/search/stemmer.js";

const STEMS = { caresses: "caress", ponies: "poni", ties: "ti", feed: "feed", agreed: "agre", disabled: "disabl", matting: "mat",
  mating: "mate", meeting: "meet", milling: "mill", messing: "mess", meetings: "meet", relational: "relat", generalization: "gener",
  oscillators: "oscil", triplicate: "triplic", hopeful: "hope", adoption: "adopt", controll: "control", roll: "roll", a: "a",
  by: "by", say: "sai", sky: "sky", try: "try", yes: "ye", eyes: "ey", ies: "i", sss: "sss", key: "kei", survey: "survei",
  display: "displai", deploy: "deploi", array: "arrai", alexey: "alexei", always: "alwai", "naïve": "naïv", "日本語": "日本語",
  "x🙂y": "x🙂y", running: "run", models: "model" };

test("the page stems as lunr.py built the index", () => {
  for (const [word, expected] of Object.entries(STEMS)) assert.equal(stem(word), expected, word);
});
