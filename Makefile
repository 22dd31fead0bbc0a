# The two set-up commands of the README:
#   make demo   install everything, build the sample archive and print its summary
#   make test   install everything and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo/swchat.db

.PHONY: demo test install lint bench clean sample

$(BIN)/swchat: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/swchat

install: $(BIN)/swchat

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/swchat ingest data/sample/swchat-v2.jsonl --archive $(DEMO_DB)
	$(BIN)/swchat stats --archive $(DEMO_DB)

test: install
	$(BIN)/ruff check swchat tests benchmarks
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check swchat tests benchmarks
	$(BIN)/ruff format --check swchat tests benchmarks

bench: install
	$(BIN)/python benchmarks/bench_ingest.py

sample: install
	$(BIN)/swchat sample data/sample

clean:
	rm -rf $(VENV) demo build *.egg-info
