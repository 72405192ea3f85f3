# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch is pinned and installed first: on Linux an unpinned torch pulls a multi-GB CUDA build.
TORCH := torch==2.13.0

.PHONY: run test test-fast lint typecheck bench clean dist-linux dist-windows

# pip runs quietly; each step says first what it does, since the first install takes minutes (README).
$(BIN)/python:
	@echo "== creating $(VENV) and upgrading pip"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "== installing $(TORCH) and the app into $(VENV): the longest step, pip prints nothing meanwhile"
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	@echo "== installing the test tools (pytest, ruff, mypy, import-linter, Office file writers)"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	$(BIN)/desktop-search $(ARGS)

# Every check runs and reports even when one before it fails; the exit status is the first failure's.
CHECKS := "env QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest" "$(BIN)/ruff check desktop_search tests benchmarks" \
	"$(BIN)/mypy desktop_search" "$(BIN)/lint-imports"

test: $(VENV)/.dev-installed
	@status=0; failed=""; \
	for check in $(CHECKS); do \
		echo "== $$check"; \
		$$check || { code=$$?; [ $$status -ne 0 ] || status=$$code; failed="$$failed\n  $$check"; }; \
	done; \
	if [ $$status -ne 0 ]; then printf "== failed:$$failed\n"; fi; \
	exit $$status

# Everything but the GUI, the real model, other processes and live watching (markers set in tests/conftest.py),
# spread over the cores (pytest-xdist); `make test` stays in one process, since the X desktop tests share a display.
test-fast: $(VENV)/.dev-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n auto -m "not gui and not slow and not watch" --hypothesis-profile=fast

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check desktop_search tests benchmarks
	$(BIN)/ruff format --check desktop_search tests benchmarks
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy desktop_search

$(VENV)/.packaging-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[packaging]"
	touch $@

# Linux: PyInstaller onedir -> .deb, .rpm (with rpmbuild), .tar.gz; the frozen app's self-test runs first.
dist-linux: $(VENV)/.packaging-installed
	PYTHON=$(BIN)/python packaging/linux/build.sh

# Windows installer, built on any OS (needs makensis, and 7z for the check): CPython + win_amd64 wheels + NSIS.
dist-windows: $(VENV)/.packaging-installed
	$(BIN)/python packaging/windows/build_installer.py
	$(BIN)/python packaging/windows/verify_tree.py --installer dist/DesktopSearch-$$($(BIN)/python -c 'import desktop_search; print(desktop_search.__version__)')-win64-setup.exe

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
