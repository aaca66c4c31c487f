"""The index's pipeline (site_src/search/stemmer.py) makes the `lunr` package's terms, and the page stems as it does.

The reference pipeline is the `lunr` package's own (Token objects through trimmer, stop-word filter and
stemmer); the page's stemmer is templates/assets/search/stemmer.js's `stem`, run in node.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest
from lunr.builder import Builder
from lunr.stemmer import stemmer
from lunr.stop_word_filter import stop_word_filter
from lunr.token import Token
from lunr.trimmer import trimmer

from site_src.config import load_config
from site_src.ingest import read_corpus
from site_src.outputs.search import index_files
from site_src.outputs.search.index import _words
from site_src.outputs.search.stemmer import STOP_WORDS, fold, stem, terms, trim
from tests.search_oracle import unaccented

from .conftest import CONTENT, ROOT, real_pool, shared_or_none

# The page's search (its scorer over the shards, its stemmer): how many papers each query finds.
SEARCH = """
import fs from "node:fs";
import path from "node:path";
const [root, dir, ...queries] = process.argv.slice(1);
const { readManifest, shardFiles } = await import(root + "/templates/assets/search/shards.js");
const { score } = await import(root + "/templates/assets/search/scorer.js");
const manifest = readManifest(JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")));
const found = queries.map((q) => {
  const shards = shardFiles(manifest, q).map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
  return score(manifest, shards, q).length;
});
process.stdout.write(JSON.stringify(found));
"""
# The page's stemmer (stemmer.js `stem`) over words given as JSON on stdin, and its stop words.
NODE = """
import fs from "node:fs";
const { stem } = await import(process.argv[1] + "/templates/assets/search/stemmer.js");
const { STOP_WORDS } = await import(process.argv[1] + "/templates/assets/search/query.js");
const words = JSON.parse(fs.readFileSync(0, "utf8"));
const { fold } = await import(process.argv[1] + "/templates/assets/search/query.js");
process.stdout.write(JSON.stringify({ stems: words.map((w) => stem(w)), folded: words.map((w) => fold(w)), stop: [...STOP_WORDS] }));
"""


def _page(words: list[str]) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the index's stems are checked against the page's")
    run = subprocess.run([node, "--input-type=module", "-e", NODE, str(ROOT)], input=json.dumps(words), capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def _page_stems(words: list[str]) -> list[str]:
    return _page(words)["stems"]


def _lunr_package_terms():
    builder = Builder()
    builder.pipeline.add(trimmer, stop_word_filter, stemmer)
    return lambda word: tuple(str(t) for t in builder.pipeline.run([Token(word, {})]))


def _check(tokens: list[str]) -> None:
    """terms() is the lunr package's pipeline on every token without its accents, the page folds accents as the
    index does, and stems every resulting word the same."""
    reference = _lunr_package_terms()
    assert [t for t in tokens if terms(t) != reference(unaccented(t))] == []
    assert [(t, f) for t, f in zip(tokens, _page(tokens)["folded"]) if f != fold(t)] == []
    words = sorted({trim(fold(t)) for t in tokens} - STOP_WORDS)
    assert [(w, ours, page) for w, ours, page in zip(words, map(stem, words), _page_stems(words)) if ours != page] == []


def _tokens(texts) -> list[str]:
    """Every distinct token the index sees: lowercased and split as index.py splits."""
    return sorted({word for text in texts for word in _words(text.lower()) if word})


def test_terms_are_the_lunr_packages_and_the_pages_for_every_distinct_word_of_the_corpora_and_seeds():
    """Every word of the seeds and of the real corpus papers (real_pool: the committed API days and feed
    snapshots with the seeds: 16,611 distinct words; with all of ../shared/corpora, where present, over 60,000)."""
    seeds = read_corpus(CONTENT / "dumps", load_config(CONTENT / "site.yaml"))[0].papers
    texts = [text for p in seeds for text in (p.title, p.abstract, ", ".join(p.authors), " ".join(p.ai_keywords))]
    texts += [text for p in real_pool() for text in (p["title"], p["abstract"], ", ".join(p["authors"]))]
    tokens = _tokens(texts)
    assert len(tokens) > (60_000 if shared_or_none() else 15_000)
    _check(tokens)


def test_terms_are_the_lunr_packages_and_the_pages_for_generated_words_and_awkward_characters():
    rng = random.Random(17)
    letters = "aaeeiioouuyybcdfghjklmnpqrstvwxzsssllzz"
    endings = ["", "s", "es", "ies", "sses", "ed", "eed", "ing", "y", "ly", "ably", "bli", "logi", "ational", "ness",
               "ical", "ement", "ion", "sion", "tion", "e", "le", "ll", "ize", "ous", "ive", "iti", "alli"]
    odd = ["é", "ü", "ß", "ǅ", "1", "3", "_", "'", ",", "(", ")", ".", "ٱ"]
    words = []
    for _ in range(30_000):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(0, 8))) + rng.choice(endings)
        if rng.random() < 0.15:
            spot = rng.randint(0, len(word))
            word = word[:spot] + rng.choice(odd) + word[spot:]
        words.append(word)
    words += ["a", "ye", "yes", "yyy", "eed", "eeds", "ies", "sses", "ss", "y", "sky", "say", "array", "key", "survey",
              "analogy", "hopping", "hoping", "agreed", "feed", "(models),", "the", "—"]
    _check(sorted(set(w for w in words if w)))


def test_the_page_finds_array_always_and_alexey(tmp_path):
    """Words ending in a vowel and y, which lunr.js's own stemmer keeps and the index's stemmer does not."""
    docs = [
        {"slug": "a", "title": "Systolic Array Accelerators", "abstract": "Always faster.", "topics": "", "authors": "Alexey Ivanov", "keywords": ""},
        {"slug": "b", "title": "Another paper", "abstract": "Nothing alike.", "topics": "", "authors": "Ada Lovelace", "keywords": ""},
    ]
    shown = [{"t": d["title"], "u": d["slug"] + "/", "k": [], "s": ""} for d in docs]
    for name, data in index_files(docs, shown).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    queries = ["array ", "always ", "alexey ", "arrays ", "lovelace "]
    run = subprocess.run(["node", "--input-type=module", "-e", SEARCH, str(ROOT), str(tmp_path), *queries], capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == [1, 1, 1, 1, 1]


def test_the_pipeline_folds_accents_trims_drops_stop_words_and_stems():
    assert terms("pokéchamp") == ("pokechamp",) and terms("naïve") == ("naiv",) and terms("ﬁne") == ("fine",)
    assert terms("(models),") == ("model",)
    assert terms("the") == ()
    assert terms("—") == ("—",)  # nothing to trim to: lunr keeps the token as it is


def test_the_page_drops_the_stop_words_the_index_drops():
    assert set(_page([])["stop"]) == STOP_WORDS
