# The two commands of the README: `make run` (set up, then start the chat) and `make test`.
# Both are idempotent: the second run skips what is already installed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml 2>/dev/null | cut -c1-12)

.PHONY: run test setup chromium index screenshots clean

run: setup
	$(BIN)/rag serve

test: setup chromium
	$(BIN)/ruff check rag ui tests eval
	$(BIN)/pytest

setup: $(STAMP)

$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Cannot create a virtual environment: install python3-venv (sudo apt-get install python3-venv)."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# Browser tests drive Debian's Chromium; as root we install it, otherwise those tests are skipped.
chromium:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "Chromium is not installed: browser tests will be skipped (sudo apt-get install chromium)."; fi

index: setup
	$(BIN)/rag build

# Regenerate the README's screenshots from the running app (needs Chromium).
screenshots: setup chromium
	$(BIN)/python -m ui.screenshots

clean:
	rm -rf $(VENV) index/build-* index/CURRENT index/.lock
