"""Progress of long steps. The core reports `progress(done, total)` (total None when unknown);
`reporter` turns that into a log line with rate and ETA (Dagster's log, or stderr off a terminal)
or a tqdm bar on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

ProgressFn = Callable[[int, "int | None"], None]


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


def progress_line(label: str, unit: str, done: int, total: int | None, elapsed_s: float) -> str:
    """`teacher: 40/86 pairs (46%), 1.32 pairs/s, ETA 0m35s` (no share or ETA without a total)."""
    rate = done / elapsed_s if elapsed_s > 0 else 0.0
    line = f"{label}: {done}/{total} {unit} ({100 * done / total:.0f}%)" if total else f"{label}: {done} {unit}"
    line += f", {rate:.3g} {unit}/s"
    if total and rate > 0 and done < total:
        line += f", ETA {_duration((total - done) / rate)}"
    elif total and done >= total:
        line += f", done in {_duration(elapsed_s)}"
    return line


class LineReporter:
    """Writes a progress line at most every `every_s` seconds, and always the last one. The first
    line waits `every_s` after the first report: a batch's answers arrive together, and a rate
    read off its first one alone would promise an ETA of hours."""

    def __init__(self, label: str, unit: str, emit: Callable[[str], None], every_s: float = 10.0):
        self.label, self.unit, self.emit, self.every_s = label, unit, emit, every_s
        self.started = time.monotonic()
        self._last: float | None = None

    def __call__(self, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if self._last is None:
            self._last = now
        if finished or now - self._last >= self.every_s:
            self._last = now
            self.emit(progress_line(self.label, self.unit, done, total, now - self.started))


class BarReporter:
    """A tqdm bar on stderr (rate and ETA are tqdm's own), closed when the total is reached."""

    def __init__(self, label: str, unit: str):
        from tqdm import tqdm

        self.bar = tqdm(desc=label, unit=f" {unit}", file=sys.stderr, dynamic_ncols=True)

    def __call__(self, done: int, total: int | None = None) -> None:
        if total is not None and self.bar.total != total:
            self.bar.total = total
        self.bar.update(done - self.bar.n)
        if total is not None and done >= total:
            self.bar.close()


def reporter(label: str, unit: str, log: Callable[[str], None] | None = None, every_s: float = 10.0) -> ProgressFn:
    """A `progress(done, total)` callback: lines to `log` when given (e.g. Dagster's
    `context.log.info`); else a bar when stderr is a terminal, plain lines to stderr otherwise."""
    if log is not None:
        return LineReporter(label, unit, log, every_s)
    if sys.stderr.isatty():
        return BarReporter(label, unit)
    return LineReporter(label, unit, lambda line: print(line, file=sys.stderr, flush=True), every_s)


def training_reporter(stage: str, emit: Callable[[str], None]) -> Callable[[dict], None]:
    """A Trainer-log callback (`{"step", "max_steps", "loss", ...}`): one line per log with the
    step rate, ETA and the values worth watching."""
    started = time.monotonic()

    def report(logs: dict) -> None:
        line = progress_line(stage, "steps", int(logs.get("step") or 0), logs.get("max_steps"), time.monotonic() - started)
        values = " ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in logs.items() if k in ("loss", "reward", "learning_rate", "epoch"))
        emit(f"{line}; {values}" if values else line)

    return report


def counted(items, progress: ProgressFn):
    """Yield `items` (a stream of unknown length), reporting each one to `progress`, and the
    count as the total once the stream ends."""
    done = 0
    for done, item in enumerate(items, 1):
        progress(done, None)
        yield item
    progress(done, done)
