"""Input and output that several stages share.

Writing outputs whole: into a fresh path beside the target, then a rename, so a reader sees the
old output or the new one, never half of one, and a killed run leaves the old one in place.

The fresh path is created with mode 0o666 (0o777 for a directory) less the umask, as `open` and
`mkdir` do: `tempfile.mkstemp`'s 0o600 would keep outputs from the other users and containers of
a shared volume.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from email.utils import parsedate_to_datetime
from pathlib import Path


@contextmanager
def atomic_path(target: str | Path, directory: bool = False) -> Iterator[Path]:
    """Yield an empty file (or directory) beside `target` to write; it replaces `target` when the
    block ends without an error and is removed when it raises."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.partial")
    if directory:
        tmp.mkdir()
    else:
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp
        if directory and target.is_dir():
            shutil.rmtree(target)  # a directory is renamed only over an empty one
        os.replace(tmp, target)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)


def write_text(target: str | Path, lines: Iterable[str] | str) -> Path:
    """Write UTF-8 text (a string or its lines) whole."""
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8") as out:
        out.writelines([lines] if isinstance(lines, str) else lines)
    return Path(target)


def run_sync(coroutine):
    """asyncio.run, also from code that already runs an event loop (a notebook): in a thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(1, thread_name_prefix="run_sync") as pool:
        return pool.submit(asyncio.run, coroutine).result()


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 10.2.3);
    None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None
