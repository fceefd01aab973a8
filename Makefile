# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-dev migrate seed serve lint clean worker beat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: install, migrate, seed the demo town once, print the logins, serve on http://127.0.0.1:8000
demo: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "高桥党建 正在 http://$(HOST):$(PORT)/ 运行（Ctrl+C 停止）"
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: install what the tests need, run the whole suite (in TEST_PROCESSES processes, pytest-xdist)
TEST_PROCESSES ?= 2
test: install-dev
	$(BIN)/python -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/python -m ruff check . || true

worker: install
	DEBUG=1 $(BIN)/celery -A gaoqiao worker -l info

beat: install
	DEBUG=1 $(BIN)/celery -A gaoqiao beat -l info

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
