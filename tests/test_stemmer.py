"""The index's stemmer (site_src/search/stemmer.py) gives exactly lunr.js's stems, checked against lunr.js itself in node."""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
import subprocess

import pytest
from lunr.stemmer import stemmer as lunr_package_stemmer
from lunr.token import Token

from site_src.config import load_config
from site_src.search import index_files
from site_src.ingest import read_corpus
from site_src.search.index import _words
from site_src.search.stemmer import STOP_WORDS, stem, terms, trim

from .conftest import CONTENT, ROOT

# The page's search (search.js over the shards, lunr.js's stemmer): how many papers each query finds.
SEARCH = """
const fs = require("fs"), path = require("path");
const [root, dir, ...queries] = process.argv.slice(1);
const lunr = require(root + "/node_modules/lunr/lunr.min.js");
const search = require(root + "/templates/assets/search.js");
const manifest = search.readManifest(JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")));
const found = queries.map((q) => {
  const shards = search.shardFiles(lunr, manifest, q).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
  return search.score(lunr, manifest, shards, q).length;
});
process.stdout.write(JSON.stringify(found));
"""
# lunr.js's own stemmer, over words given as JSON on stdin.
NODE = """
const lunr = require(process.argv[1] + "/node_modules/lunr/lunr.js");
const words = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(words.map((w) => lunr.stemmer(new lunr.Token(w, {})).toString())));
"""


def _lunr_js_stems(words: list[str]) -> list[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the stemmer is checked against lunr.js")
    run = subprocess.run([node, "-e", NODE, str(ROOT)], input=json.dumps(words), capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def _distinct_words(texts) -> list[str]:
    """Every distinct token the index stems: lowercased, split as lunr_index splits, trimmed as lunr trims, no stop words."""
    found = {trim(word) for text in texts for word in _words(text.lower()) if word}
    return sorted(found - STOP_WORDS)


def _differences(words: list[str]) -> list[tuple[str, str, str]]:
    return [(w, ours, js) for w, ours, js in zip(words, map(stem, words), _lunr_js_stems(words)) if ours != js]


def _texts(papers) -> list[str]:
    return [text for p in papers for text in (p["title"], p["abstract"], ", ".join(p["authors"]))]


def test_stems_are_lunr_js_stems_for_every_distinct_word_of_the_corpora_and_seeds(shared_dir):
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    seeds = read_corpus(CONTENT / "dumps", load_config(CONTENT / "site.yaml"))[0].papers
    seed_texts = [text for p in seeds for text in (p.title, p.abstract, ", ".join(p.authors), " ".join(p.ai_keywords))]
    words = _distinct_words(_texts(generate.real_papers(shared_dir)) + seed_texts)
    assert len(words) > 40_000
    assert _differences(words) == []


def test_stems_are_lunr_js_stems_for_generated_words_and_awkward_characters():
    rng = random.Random(17)
    letters = "aaeeiioouuyybcdfghjklmnpqrstvwxzsssllzz"
    endings = ["", "s", "es", "ies", "sses", "ed", "eed", "ing", "y", "ly", "ably", "bli", "logi", "ational", "ness",
               "ical", "ement", "ion", "sion", "tion", "e", "le", "ll", "ize", "ous", "ive", "iti", "alli"]
    odd = ["é", "ü", "ß", "İ", "ǅ", "1", "3", "_", "'", "\u2028", "\r", "𝔸", "😀", "ٱ"]
    words = []
    for _ in range(30_000):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(0, 8))) + rng.choice(endings)
        if rng.random() < 0.15:
            spot = rng.randint(0, len(word))
            word = word[:spot] + rng.choice(odd) + word[spot:]
        words.append(word)
    words += ["", "a", "ye", "yes", "yyy", "eed", "eeds", "ies", "sses", "ss", "y", "sky", "say", "array", "grokking",
              "analogy", "😀s", "s😀s", "y😀ing", "hopping", "hoping", "agreed", "feed"]
    assert _differences(sorted(set(words))) == []


def test_words_the_lunr_package_stems_apart_from_lunr_js_get_lunr_js_stems():
    """The browser stems a query with lunr.js: an index made with the `lunr` package's stems would miss these."""
    for word, lunr_js in (("array", "array"), ("alexey", "alexey"), ("always", "alway"), ("berkeley", "berkeley")):
        assert stem(word) == lunr_js
        assert str(lunr_package_stemmer(Token(word, {}))) != lunr_js
    assert _lunr_js_stems(["array", "alexey", "always", "berkeley"]) == ["array", "alexey", "alway", "berkeley"]


def test_the_pipeline_trims_drops_stop_words_and_stems():
    assert terms("(models),") == ("model",)
    assert terms("the") == ()
    assert terms("—") == ("—",)  # nothing to trim to: lunr keeps the token as it is


def test_the_page_finds_words_the_lunr_package_would_have_stemmed_apart(tmp_path):
    """"array", "always", "Alexey": typed and searched in the page's own code, each finds its paper."""
    docs = [
        {"slug": "a", "title": "Systolic Array Accelerators", "abstract": "Always faster.", "topics": "", "authors": "Alexey Ivanov"},
        {"slug": "b", "title": "Another paper", "abstract": "Nothing alike.", "topics": "", "authors": "Ada Lovelace"},
    ]
    shown = [{"t": d["title"], "u": d["slug"] + "/", "k": [], "s": ""} for d in docs]
    for name, data in index_files(docs, shown).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    queries = ["array ", "always ", "alexey ", "arrays ", "lovelace "]
    run = subprocess.run(["node", "-e", SEARCH, str(ROOT), str(tmp_path), *queries], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == [1, 1, 1, 1, 1]
