# Two commands set up a fresh machine (README.md): `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

# The app runs from the checkout in development mode; production sets its own environment
# (docs/operations.md).
run test test-demo messages: export DJANGO_DEBUG ?= 1

.PHONY: install run test test-demo load bench bench-import bench-batch lint format messages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	$(PY) manage.py create_demo_users $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)")
	$(PY) manage.py generate_demo --year 2020
	$(PY) manage.py runserver $(HOST)

# The suite runs on as many processes as there are cores (pytest-xdist); TEST_WORKERS=0 runs
# it in one.
TEST_WORKERS ?= auto
test: install
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The demo generator's check against the 2020 summary's published totals (slow).
test-demo: install
	$(PY) -m pytest -m demo $(PYTEST_ARGS)

# The load test (tools/loadtest.py): gunicorn with production settings on 127.0.0.1 against a
# fresh PostgreSQL database (hcppcc_load), 50 clients for 60 s. Needs PostgreSQL on
# 127.0.0.1:5432 (or LOADTEST_POSTGRES); e.g. LOAD_ARGS="--clients 10 --seconds 10".
load: install
	$(PY) tools/loadtest.py $(LOAD_ARGS)

# The benchmark (bench/run.py): archives of 100,000 and 1,000,000 proposals on PostgreSQL
# (generated once, kept as hcppcc_bench_*), the typical requests against the floor and the
# naive ways; prints the table docs/performance.md keeps. E.g. BENCH_ARGS="--sizes 100000".
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

# The import benchmark (bench/imports.py): check and import ledgers of 1,000 and 4,000 rows
# into a fresh PostgreSQL database; seconds, rows per second and peak memory per size.
# E.g. BENCH_IMPORT_ARGS="--rows 500 2000 8000".
bench-import: install
	$(PY) bench/imports.py $(BENCH_IMPORT_ARGS)

# The batch-assignment benchmark (bench/batch.py): accepted proposals assigned to their
# suggested units in one API request, against a fresh PostgreSQL database (hcppcc_bench_batch)
# with production settings; seconds and SQL statements per size. E.g. BENCH_BATCH_ARGS="--sizes 500".
bench-batch: install
	$(PY) bench/batch.py $(BENCH_BATCH_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Refresh the message catalogue after changing user-visible text, then translate the new
# entries in locale/zh_Hans/LC_MESSAGES/django.po (needs GNU gettext).
messages: install
	$(PY) manage.py makemessages --locale zh_Hans --ignore "$(VENV)/*" --ignore "static/*"
	$(PY) manage.py compilemessages --locale zh_Hans --ignore "$(VENV)/*"

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
