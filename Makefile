# `make site` builds the site from content/; `make test` runs every test. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site test serve check clean topics-eval screenshots fetch browser

# What a build needs (the Pages workflow installs only this); the test extras come with `make test`.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# Only the tests use npm packages, pinned in package-lock.json (npm ci writes this stamp itself): axe-core, and
# lunr.js, the reference search is ranked against. A build needs none: the page's search is its own code.
NODE_STAMP := node_modules/.package-lock.json

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_STAMP)

site: $(STAMP)
	$(BIN)/digest build

# The browser tests' Chromium: Debian's (apt-get where allowed), else Playwright's own, else one line on what to install
browser: $(TEST_STAMP)
	@scripts/test-browser.sh $(BIN)/python

test: $(TEST_STAMP) $(NODE_STAMP) browser
	$(BIN)/python -m pytest

# Save the daily-papers API's answers into content/dumps/: yesterday, or every day from SINCE (make fetch SINCE=2025-03-01)
fetch: $(STAMP)
	$(BIN)/digest fetch $(if $(SINCE),--since $(SINCE))

serve: $(STAMP)
	$(BIN)/digest serve

check: $(STAMP)
	$(BIN)/digest check

# README pictures: builds the seed site and photographs it in Chromium (phone and desktop) into docs/
screenshots: $(TEST_STAMP)
	$(BIN)/python scripts/screenshots.py --out docs

clean:
	test ! -d build || $(BIN)/digest clean

# Score the topic grouping of the seed papers against a person's themes (bench/topic_themes.yaml).
topics-eval: $(STAMP)
	$(BIN)/python bench/topics_eval.py --sweep

# Generated corpora of 340 / 3,400 / 34,000 papers from ../shared, built and measured; writes bench/results.md
.PHONY: bench
# (the test extras: For you is measured against scikit-learn's SVM, and in Chromium through Playwright)
bench: $(TEST_STAMP) $(NODE_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/topics_bench.py
	$(BIN)/python bench/recommend_eval.py
	$(BIN)/python bench/recommend_bench.py

# Our search against Pagefind on the same built sites: MRR@10, recall@10, bytes and time per query; writes bench/search_relevance.md
.PHONY: bench-search
bench-search: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/search_relevance.py
