# The hub's everyday commands. `make demo` and `make test` are the two set-up commands
# of README.md: each works on a fresh machine with only python3 (3.11+) and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install demo test lint bench key clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/python -m tools.demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DEBUG=1 $(BIN)/python manage.py check --fail-level WARNING
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The suite runs in TEST_WORKERS parallel processes (pytest-xdist; 0 = serially, in this process):
# one more than the machine's CPUs (at most 8), as a worker spends about a third of its time waiting
# on the browser, gunicorn and Celery processes its tests start (on 2 CPUs, back to back: three
# workers took 1:54 where two took 2:05). A worker that runs out of tests takes some from another
# (worksteal), so all end together; PYTEST_ARGS adds to pytest's command line, e.g.
# PYTEST_ARGS="-k throttle tests/hub".
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 1); echo $$(( n < 8 ? n + 1 : 8 )))

# pytest rewrites each test module's asserts when it imports it and keeps the result as bytecode;
# where PYTHONDONTWRITEBYTECODE is set (container images often set it) every worker of every run
# redid it (~10 s of CPU each) and every hub a test starts compiled the project again: the suite
# writes bytecode, into the __pycache__ folders git ignores.
test: lint
	bash tools/ensure_chromium.sh
	DEBUG=1 PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks $(ARGS)

key: install
	@$(BIN)/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
