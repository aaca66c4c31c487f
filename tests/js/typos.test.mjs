// typos.js: spellings one edit away, and the correction most papers have, on a real sharded index.
import assert from "node:assert/strict";
import { test } from "node:test";
import { prefixKeys } from "../../templates/assets/search/shards.js";
import { stem } from "../../templates/assets/search/stemmer.js";
import { correction, typoFiles, unmatchedWords, variants } from "../../templates/assets/search/typos.js";
import { file, manifest } from "./fixture.mjs";

test("spellings one edit away keep the first two characters or swap neighbours", () => {
  const spelled = variants("trasnformer");
  assert.ok(spelled.includes("transformer") && spelled.includes("rtasnformer") && !spelled.includes("trasnformer"));
  for (const v of spelled) {
    const swapped = [...Array(v.length - 1).keys()].some((i) => v.slice(0, i) + v[i + 1] + v[i] + v.slice(i + 2) === "trasnformer");
    assert.ok(swapped || v.slice(0, 2) === "tr", v);
    assert.ok(Math.abs(v.length - "trasnformer".length) <= 1, v);
  }
});

test("a mistyped word is corrected to the spelling most papers have, from the shards of its own start", () => {
  let corrected = 0;
  for (const word of ["transformer", "recognition", "language", "generation", "learning", "attention", "training"]) {
    const typo = word.slice(0, 3) + word[4] + word[3] + word.slice(5);
    const files = typoFiles(manifest, [typo]);
    const start = new Set(prefixKeys(manifest, typo.slice(0, 2)).map((key) => manifest.shards[key]));
    assert.ok(files.length <= start.size + 2, `${typo}: ${files.length} files`);
    const fix = correction(manifest, files.map(file), typo, 0);
    if (fix === null) continue; // the fixture may not have the word
    assert.equal(stem(fix), stem(word), typo);
    corrected++;
  }
  assert.ok(corrected >= 3, `only ${corrected} corrected`);
  assert.equal(correction(manifest, typoFiles(manifest, ["zzzzqqq"]).map(file), "zzzzqqq", 0), null);
});

test("a word no paper has looks mistyped; a number or a short word does not", () => {
  const text = "trasnformer 12345 zq model";
  const wrong = unmatchedWords(manifest, [], text);
  assert.deepEqual(wrong.map((w) => w.word), ["trasnformer", "model"]); // no shards loaded: nothing has "model" either
});
