# `make run`, `make demo` and `make test` are all a newcomer needs; each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LOCK := requirements/lock.txt

.PHONY: run demo demo-data test test-fast lint locales missing-translations bench bench-replicas chaos clean lock

# Every package at the version the lock names (its constraints). The scale extra's drivers come too:
# mypy reads their types, and the same venv runs the suite against PostgreSQL and Redis.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c $(LOCK) pip
	$(BIN)/pip install --quiet -c $(LOCK) -e '.[test,scale]'
	touch $(STAMP)

# After a dependency changed in pyproject.toml: pins what is new, keeps every other pin.
# `make lock LOCK_FLAGS=--upgrade` (or `--upgrade-package NAME`) moves pins on.
lock:
	test -x $(BIN)/pip-compile || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet -c $(LOCK) pip-tools; }
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra test --extra scale --allow-unsafe \
		--strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_FLAGS) --output-file $(LOCK) pyproject.toml

locales: $(STAMP)
	$(BIN)/python -m bot compile-locales

# On first use a data key is written into .env (DATA_KEYS): keep a copy apart from the database and its backups.
run: locales
	mkdir -p data
	$(BIN)/python -m bot ensure-key
	$(BIN)/python -m bot

# The whole platform in a browser, no Telegram, no token: http://127.0.0.1:8090 (DEMO_PORT), a fresh ./data/demo.db each time.
demo: locales
	$(BIN)/python -m playground

# A handful of fictional therapists to find and book at once; running it again changes nothing.
demo-data: $(STAMP)
	$(BIN)/python -m bot demo-data

test: locales
	$(BIN)/ruff check bot core storage scheduler playground web tests
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

missing-translations: $(STAMP)
	$(BIN)/python -m bot missing-translations

# The kill-at-random-moments payment test at a larger size (CI runs three bookings); CHAOS_SEED repeats a run.
chaos: locales
	CHAOS_BOOKINGS=$${CHAOS_BOOKINGS:-20} $(BIN)/pytest -q tests/e2e/test_chaos_e2e.py

bench: locales
	$(BIN)/python -m tests.bench_directory
	$(BIN)/python -m tests.bench_matching
	$(BIN)/python -m tests.bench
	$(BIN)/python -m tests.bench_updates
	$(BIN)/python -m tests.bench_replicas

# Replicas alone (a few minutes): needs DATABASE_URL (PostgreSQL) and, as in production, REDIS_URL.
bench-replicas: locales
	$(BIN)/python -m tests.bench_replicas

clean:
	rm -rf $(VENV) data .pytest_cache
