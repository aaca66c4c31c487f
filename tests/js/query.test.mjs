// query.js: what a reader typed, read as words.
import assert from "node:assert/strict";
import { test } from "node:test";
import { corrected, fold, prefixWord, queryTerms, requiredWords } from "../../templates/assets/search/query.js";

test("query syntax is read as plain words", () => {
  assert.deepEqual(queryTerms("title:^*~ LoRA-adapters +speech"), ["title", "lora", "adapters", "speech"]);
  assert.deepEqual(queryTerms("speech~1 recog*"), ["speech", "1", "recog"]);
  assert.deepEqual(queryTerms(" :^~*+- "), []);
  assert.deepEqual(queryTerms("“quoted” (words), words"), ["quoted", "words"]);
  assert.equal(queryTerms("a b c d e f g h i j k l m n").length, 12);
});

test("an arXiv id, bare, versioned or in an arXiv or Hugging Face URL, is read as the bare id", () => {
  for (const text of ["2506.01920", "2506.01920v2", "arXiv:2506.01920", "https://arxiv.org/abs/2506.01920", "arxiv.org/abs/2506.01920v3",
    "arxiv.org/pdf/2506.01920v2", "https://arxiv.org/pdf/2506.01920v2.pdf", "https://www.arxiv.org/html/2506.01920v1",
    "https://huggingface.co/papers/2506.01920", "huggingface.co/papers/2506.01920/"]) {
    assert.deepEqual(queryTerms(text), ["2506.01920"], text);
  }
  assert.deepEqual(queryTerms("2506.01920 PokéChamp"), ["2506.01920", "pokechamp"]);
  assert.deepEqual(queryTerms("version 1.5 of bert"), ["version", "1.5", "of", "bert"]); // not every number is an id
});

test("accents are folded away, as the index folds them", () => {
  assert.deepEqual(queryTerms("PokéChamp naïve Über ﬁne-tuning"), ["pokechamp", "naive", "uber", "fine", "tuning"]);
  assert.equal(fold("Ångström café"), "Angstrom cafe");
});

test("the last word is a prefix while it is typed and has two characters", () => {
  assert.equal(prefixWord("speech rec", queryTerms("speech rec")), "rec");
  assert.equal(prefixWord("speech rec ", queryTerms("speech rec ")), null);
  assert.equal(prefixWord("speech r", queryTerms("speech r")), null);
});

test("a last word of one letter, still being typed, is not required yet; stop words never are", () => {
  assert.deepEqual(requiredWords("speech r").map((w) => w.word), ["speech"]);
  assert.deepEqual(requiredWords("speech r ").map((w) => w.word), ["speech", "r"]);
  assert.deepEqual(requiredWords("speech re").map((w) => [w.word, w.prefix]), [["speech", null], ["re", "re"]]);
  assert.deepEqual(requiredWords("mixture of experts").map((w) => [w.word, w.stems]), [["mixture", ["mixtur"]], ["experts", ["expert"]]]);
});

test("a correction searched beside a rare spelling takes that word's place", () => {
  const words = requiredWords("langauge model", { language: "langauge" });
  assert.deepEqual(words.map((w) => [w.word, w.stems]), [["langauge", ["langaug"]], ["model", ["model"]]]);
  const both = requiredWords("langauge language model", { language: "langauge" });
  assert.deepEqual(both.map((w) => [w.word, w.stems]), [["langauge", ["langaug", "languag"]], ["model", ["model"]]]);
});

test("a correction replaces the word, keeps its case, quotes and spacing, or follows it", () => {
  assert.equal(corrected('"Langauge  model"', { langauge: "language" }), '"language  model"');
  assert.equal(corrected("trasnformer-based", { trasnformer: "transformer" }, { trasnformer: true }), "trasnformer transformer-based");
});
