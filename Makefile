# The two commands of the README: `make run` (set up, then start the chat) and `make test`.
# Both are idempotent: the second run skips what is already installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)
# What is installed, for this pyproject.toml: the chat alone (`make run`), or with every extra (`make test`).
CHAT := $(VENV)/.installed-chat-$(HASH)
DEV := $(VENV)/.installed-dev-$(HASH)

.PHONY: run test setup setup-dev venv system-packages index bench screenshots docs clean

run: setup
	$(BIN)/rag serve

test: setup-dev system-packages
	$(BIN)/ruff check rag ui tests eval
	$(BIN)/pytest

setup: $(CHAT)
setup-dev: $(DEV)

# The chat: the package and its dependencies, no extra (nothing when every extra is installed already).
$(CHAT):
	@test -f $(DEV) || $(MAKE) --no-print-directory venv EXTRAS=
	@rm -f $(VENV)/.installed-chat-*
	@touch $@

# The tests, the docs, MCP, the retrievers' frameworks, Milvus and the evaluation: the `dev` extra.
$(DEV):
	@$(MAKE) --no-print-directory venv EXTRAS='[dev]'
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

venv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)."; exit 1; }
	@echo "Installing into $(VENV) (the first time takes a few minutes) ..."
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.$(EXTRAS)'

# Browser tests drive Debian's Chromium, and the corpus tests compare each PDF with what pdftotext (poppler-utils)
# extracts from it; as root we install both, otherwise those tests are skipped with a message.
system-packages:
	@if command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium and poppler-utils for the browser and corpus tests ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	else echo "Chromium or pdftotext is missing: some tests will be skipped (sudo apt-get install chromium poppler-utils)."; fi

index: setup
	$(BIN)/rag build

# Speed and memory, ours beside the LangChain tutorial recipe (its packages are installed here, not by setup).
bench: setup
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/rag bench

# Regenerate the README's screenshots from the running app (needs Chromium).
screenshots: setup-dev system-packages
	$(BIN)/python -m ui.screenshots

# The manual as a website at http://127.0.0.1:8000/, reloaded as docs/ changes (mkdocs.yml).
docs: setup-dev
	$(BIN)/mkdocs serve

clean:
	rm -rf $(VENV) index/build-* index/CURRENT index/.lock index/models
