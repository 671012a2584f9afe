"""Writing outputs whole: into a fresh path beside the target, then a rename, so a reader sees the
old output or the new one, never half of one, and a killed run leaves the old one in place.

The fresh path is created with mode 0o666 (0o777 for a directory) less the umask, as `open` and
`mkdir` do: `tempfile.mkstemp`'s 0o600 would keep outputs from the other users and containers of
a shared volume.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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
