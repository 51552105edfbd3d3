# The two commands of the README: `make run` and `make test` (which runs `make lint` first).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-stamp
# The lock files (`make lock` writes both from pyproject.toml): every package pinned with its hashes.
LOCK := requirements/dev.txt
RUNTIME_LOCK := requirements/runtime.txt

.PHONY: check-deploy run test lint install lock audit translations db seed clean

# Exactly the locked packages, each checked against its hashes, then the project itself.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d secretariat_app/translations -D messages >/dev/null

db: install
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed

# Web server, Celery worker and Celery beat together; one Ctrl-C stops all. honcho gives each
# process a PORT of its own (the web's, then +100 for the worker): the base of links in mail, ICS and
# the feed address is fixed here from the web's port, so that the worker writes the same as the web.
run: seed
	@echo ""
	@echo "  CICA Secretariat: http://127.0.0.1:$${PORT:-5000}/"
	@echo "  The Secretariat demo logins ask for a code after the password: their keys are above."
	@echo ""
	PORT=$${PORT:-5000} PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$${PORT:-5000}} \
		$(BIN)/honcho --procfile Procfile.dev start

# The linter, then the type checker (both configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy

test: install lint
	CI=$${CI:-} $(BIN)/python -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup

# Rewrite the lock files from pyproject.toml (after adding or changing a dependency). Pins already
# in the lock are kept where they still fit; `make lock LOCK_FLAGS=--upgrade` takes the newest of everything.
UV_COMPILE = $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command "make lock" $(LOCK_FLAGS)
lock: $(STAMP)
	$(UV_COMPILE) --extra test pyproject.toml -o $(LOCK)
	$(UV_COMPILE) pyproject.toml -c $(LOCK) -o $(RUNTIME_LOCK)

# Known vulnerabilities in the locked packages (needs the vulnerability database; not part of `make test`).
audit: $(STAMP)
	$(BIN)/python tools/audit_lock.py $(LOCK)

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache

# systemd-analyze verify and nginx -t over deploy/, on a machine that has both.
check-deploy: $(STAMP)
	DEPLOY_CHECKS=1 $(BIN)/python -m pytest -q -n 0 tests/deploy_checks
