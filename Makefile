# The two set-up commands of the README:
#   make demo   install everything, build the sample archive and print its summary
#   make test   install everything and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo/swchat.db

.PHONY: demo test install lint bench clean sample readme images

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
	$(BIN)/swchat report --archive $(DEMO_DB) --latest --hashtag SWChat --tz Europe/London -o $(dir $(DEMO_DB))report.html
	$(BIN)/swchat report --archive $(DEMO_DB) --latest --hashtag SWChat --tz Europe/London -o $(dir $(DEMO_DB))report.md
	@echo "Post-chat report of the latest sample session: $(abspath $(dir $(DEMO_DB)))/report.html (and report.md)"

test: install
	@# the browser tests need Chromium: install Debian's package when missing (root with apt-get only)
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "warning: could not install chromium; the browser tests will be skipped"; \
	fi
	$(BIN)/ruff check swchat tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check swchat tests benchmarks
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_analysis.py
	$(BIN)/python benchmarks/bench_network.py

sample: install
	$(BIN)/swchat sample data/sample

# regenerate the README's console examples (by running them) and its command reference
readme: install
	$(BIN)/python -m swchat.report.readme_console --write README.md
	$(BIN)/python -m swchat.report.clidoc --write README.md

# redraw the README's pictures (docs/img) from the sample, as the README's examples make them;
# the report's screenshot needs Chromium and an emoji font (installed when missing, as root with apt-get)
images: demo
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && { [ ! -x /usr/bin/chromium ] || \
		[ ! -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]; }; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium \
			fonts-noto-color-emoji >/dev/null) || echo "warning: could not install chromium and an emoji font"; \
	fi
	$(BIN)/swchat growth --archive $(DEMO_DB) --session SWChat-2026-11-11 --tz Europe/London -o docs/img/timeline.png
	$(BIN)/swchat community --archive $(DEMO_DB) --hashtag SWChat --tz Europe/London -o docs/img/newcomers.png
	$(BIN)/swchat report --archive $(DEMO_DB) --session SWChat-2026-11-11 --tz Europe/London -o $(dir $(DEMO_DB))shot.html
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,1500 \
		--screenshot=docs/img/report.png file://$(abspath $(dir $(DEMO_DB)))/shot.html

clean:
	rm -rf $(VENV) demo build *.egg-info
