"""Research (bench/topics_research.py): a background model of document frequencies from public abstracts.

Not shipped: on the seed themes it lowered F1 (0.55 against 0.60 without; see docs/topics.md).

Reads every daily-papers API response (hf-api-daily-papers-jeongiin/api-json, Apache-2.0) and every JSON
Feed snapshot (hf-papers-jsonfeed-markert, MIT) through the site's own readers, merges them by arXiv id,
and writes one compressed .npz: the stems of their words (hyphenated prefixes joined, Snowball-stemmed,
stop words out), each stem's document frequency, and each background paper's strongest stems (a bag of
words, never the text). Run: `python bench/topics_background.py [--words] [--out PATH]`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from site_src.config import SiteConfig  # noqa: E402
from site_src.ingest import read_corpus  # noqa: E402
from topics_proto import stem_counts  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
FAILED = "Something is wrong - no hf papers feed generated"
TOP_TERMS = 24  # stems kept per background paper


def background_papers():
    with tempfile.TemporaryDirectory() as folder:
        for day in sorted((CORPORA / "hf-api-daily-papers-jeongiin" / "api-json").glob("*.json")):
            (Path(folder) / day.name).symlink_to(day)
        for snapshot in sorted((CORPORA / "hf-papers-jsonfeed-markert" / "snapshots").glob("*/hf_papers.json")):
            if FAILED in snapshot.read_text(encoding="utf-8"):  # the scraper's failure item: a day without papers
                continue
            (Path(folder) / f"feed-{snapshot.parent.name}.json").symlink_to(snapshot)
        papers = read_corpus(Path(folder), SiteConfig())[0].papers
    return [p for p in papers if p.abstract]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / ".work" / "background.npz")
    parser.add_argument("--words", action="store_true", help="words, not stems")
    args = parser.parse_args()
    papers = background_papers()
    titles = [p.title for p in papers]
    docs = [t + ". " + p.abstract for t, p in zip(titles, papers)]
    C, words = stem_counts(docs, min_df=2, stem=not args.words)
    n = C.shape[0]
    df = np.diff(C.tocsc().indptr)
    keep = np.flatnonzero(df >= 2)
    C, words, df = C[:, keep].tocsr(), words[keep], df[keep]
    X = C.copy()
    X.data = 1 + np.log(X.data)
    X = X.multiply(np.log((1 + n) / (1 + df)) + 1).tocsr()
    indptr, terms, weights = [0], [], []
    # Per paper (a loop run once, by this script, never by a build): its strongest stems, weights as 1..255.
    for row in range(n):
        start, end = X.indptr[row], X.indptr[row + 1]
        cols, vals = X.indices[start:end], X.data[start:end]
        top = np.lexsort((cols, -vals))[:TOP_TERMS]
        terms.append(cols[top])
        weights.append(np.maximum(1, np.round(255 * vals[top] / max(vals[top].max(), 1e-12))))
        indptr.append(indptr[-1] + len(top))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out, words=words, df=df.astype(np.uint32), docs=np.int64(n), indptr=np.array(indptr, dtype=np.int64),
        terms=np.concatenate(terms).astype(np.uint32), weights=np.concatenate(weights).astype(np.uint8),
    )
    print(f"{args.out}: {n} papers, {len(words)} stems, {args.out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
