# The two commands of the README: `make run` and `make test` (which runs `make lint` first).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-stamp

.PHONY: check-deploy run test lint install translations db seed clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d secretariat_app/translations -D messages >/dev/null

db: install
	$(FLASK) db upgrade

seed: db
	$(FLASK) seed

# Web server, Celery worker and Celery beat together; one Ctrl-C stops all.
run: seed
	@echo ""
	@echo "  CICA Secretariat: http://127.0.0.1:$${PORT:-5000}/"
	@echo "  The Secretariat demo logins ask for a code after the password: their keys are above."
	@echo ""
	PORT=$${PORT:-5000} $(BIN)/honcho --procfile Procfile.dev start

# The linter, then the type checker (both configured in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy

test: install lint
	CI=$${CI:-} $(BIN)/python -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache

# systemd-analyze verify and nginx -t over deploy/, on a machine that has both.
check-deploy: $(STAMP)
	DEPLOY_CHECKS=1 $(BIN)/python -m pytest -q -n 0 tests/deploy_checks
