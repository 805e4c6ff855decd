# kgbuild: one target per artefact; the logic lives in Python (kgbuild CLI), not here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FACTS  ?= facts
DIST   ?= dist
BIND   ?= 127.0.0.1:8000
PYTEST_ARGS ?=
YASGUI_JS := node_modules/@zazuko/yasgui/build/yasgui.min.js
YASGUI_CSS := node_modules/@zazuko/yasgui/build/yasgui.min.css
YASGUI_PKG := src/kgbuild/web/static/yasgui

.PHONY: help run serve dev test build validate schema bench lint ui clean hardening-table load

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/installed  ## the virtualenv with kgbuild and its test tools

validate: $(VENV)/installed  ## check facts/ and report every problem at once
	$(BIN)/kgbuild validate $(FACTS)

schema: $(VENV)/installed  ## rewrite schema/facts.schema.json from the models and the facts
	$(BIN)/kgbuild schema --facts $(FACTS) --output schema/facts.schema.json

build: $(VENV)/installed  ## facts/ + ontology/ -> dist/ (atomic)
	$(BIN)/kgbuild build --facts $(FACTS) --out $(DIST)

run: build ui  ## build, then serve on http://$(BIND)/
	@echo "kgbuild: serving http://$(BIND)/ (query UI at http://$(BIND)/sparql; Ctrl-C stops)"
	$(BIN)/kgbuild serve --bind $(BIND) --dist $(DIST)

dev: $(VENV)/installed ui  ## for maintainers: build, serve on http://$(BIND)/, rebuild on every save to $(FACTS)/, ontology/ or queries/; open pages reload
	@echo "kgbuild: serving http://$(BIND)/ and watching $(FACTS)/, ontology/ and queries/ (Ctrl-C stops)"
	$(BIN)/kgbuild serve --watch --facts $(FACTS) --bind $(BIND) --dist $(DIST)

test: $(VENV)/installed ui  ## the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

$(VENV)/bench-installed: $(VENV)/installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/bench-installed  ## benchmarks, ratios against a baseline (BENCH_SIZES=10k,100k,1m); bench-results/, and docs/performance.md after a full run
	$(BIN)/python -m tests.benchmarks

hardening-table: $(VENV)/installed  ## docs/hardening.md's table from what tests/hardening/ observed
	$(BIN)/python -m tests.hardening.table

load: $(VENV)/installed build  ## the full load test (50 clients, 60 s) on dist/
	$(BIN)/python -m tests.hardening.load --full --dist $(DIST)

lint: $(VENV)/installed  ## ruff, mypy and the import contracts (CI runs it before the tests)
	$(BIN)/ruff check src tests  # the B, E, F, I, UP and W rules ([tool.ruff] in pyproject.toml)
	$(BIN)/mypy  # the types of src/kgbuild ([tool.mypy])
	$(BIN)/lint-imports  # the import contracts in pyproject.toml: layers, forbidden imports, no cycles

ui:  ## the query UI's assets (YASGUI, pinned in package.json) into node_modules/ and the package; optional
	@if [ node_modules/.package-lock.json -nt package-lock.json ] && [ -f $(YASGUI_JS) ]; then \
	  echo "ui: YASGUI is installed"; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund || npm install --no-audit --no-fund || \
	  echo "note: npm could not install YASGUI; /sparql serves the plain query form instead"; \
	else \
	  echo "note: npm not found; /sparql serves the plain query form (install Node.js and npm, then make ui)"; \
	fi
	@# into the package too, so that `pip install .` carries them (kgbuild/web/static/yasgui/, not in git)
	@if [ -f $(YASGUI_JS) ]; then mkdir -p $(YASGUI_PKG) && cp $(YASGUI_JS) $(YASGUI_CSS) $(YASGUI_PKG)/; fi

clean:
	rm -rf $(VENV) $(DIST) .dist.builds .dist.cache
