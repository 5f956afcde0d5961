"""Replacing a published file atomically: the one helper every writer of `publish/` uses.

The new content is written to a temporary file in the target's folder (same file system),
flushed to disk, given its mode and renamed over the target, and the folder entry is flushed
too. A reader never sees a half-written file; a failure leaves the previous file untouched and
no temporary file behind. Temporary files a killed writer left (`.<name>.*.tmp`) are removed
first: callers hold the warehouse's writer lock, so no other writer owns them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

OWNER_ONLY = 0o600  # files that hold phone numbers (the warehouse, its working copy, the export)


def remove_stale_temporary_files(target: Path) -> None:
    """Delete the temporary files a killed writer left next to `target`."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        stale.unlink(missing_ok=True)


@contextmanager
def replacing(target: Path, mode: int = OWNER_ONLY) -> Iterator[Path]:
    """Yield a temporary path to write the new content of `target` to; on a normal exit it replaces
    `target` atomically with file mode `mode`, on an exception it is deleted and `target` is unchanged."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporary_files(target)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)  # mode 0600
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
