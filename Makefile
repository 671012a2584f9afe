# Two commands on a fresh machine: `make demo` (install + run the whole graph on the embedded
# data, print the scores) and `make test`.
export DAGSTER_HOME := $(CURDIR)
export DAGSTER_DISABLE_TELEMETRY := 1
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

.PHONY: install demo test ui
install:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || python3 -m pip install --user --quiet uv
	$(UV) sync --frozen

demo: install
	$(UV) run --frozen reasonrank demo

test: install
	$(UV) run --frozen pytest

ui: install
	$(UV) run --frozen dagster dev
