"""The learner's saved state as JSON files: atomic writes, a cross-process lock, corrupt files kept.

Rules this module keeps, so progress is never lost:

- A write goes to a temporary file in the same folder, is flushed to disk (fsync), then replaces
  the old file in one step (``os.replace``); a crash leaves the old file or the new one, never half.
- ``update_json`` reads, changes and writes the file while holding an exclusive lock on a
  ``<name>.lock`` file beside it (``filelock``: the operating system's own file lock on Linux,
  macOS and Windows), so two kernels writing at once both keep their changes.
- A file that cannot be read as JSON of the expected shape is renamed to
  ``<name>.corrupt-<UTC timestamp>.json`` and a ``CorruptStateWarning`` names both paths; it is
  never silently replaced or deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock


class CorruptStateWarning(UserWarning):
    """A saved-state file could not be read; it was set aside under a new name, not replaced."""


def lock_path(path: Path) -> Path:
    """The lock file that guards a state file: ``progress.json`` -> ``progress.json.lock``."""
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: str | Path) -> Iterator[None]:
    """Hold an exclusive cross-process lock for ``path`` (on ``path.lock``) inside the block.

    filelock takes the operating system's lock on the lock file (``flock`` on Linux and macOS,
    ``msvcrt.locking`` on Windows) and waits for as long as another process holds it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(lock_path(path)):
        yield


def _fsync_folder(folder: Path) -> None:
    """Flush a folder's entry list to disk so a rename survives a power cut (POSIX only)."""
    if os.name == "nt":  # pragma: no cover - Windows cannot open folders
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_json_atomic(path: str | Path, data: Any) -> None:
    """Write ``data`` as JSON: temp file in the same folder, fsync, then ``os.replace``."""
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write text so the file is either the old one or the whole new one, never a part.

    Temp file in the same folder, fsync, then ``os.replace``: on a full disk or a crash the
    earlier file is still there, whole.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_folder(path.parent)


def corrupt_name(path: Path, when: datetime | None = None) -> Path:
    """Where a corrupt file is set aside: ``name.corrupt-<UTC yyyymmddThhmmss.ffffffZ>.json``."""
    when = when or datetime.now(UTC)
    stem = path.name.removesuffix(".json")
    candidate = path.with_name(f"{stem}.corrupt-{when:%Y%m%dT%H%M%S.%fZ}.json")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{stem}.corrupt-{when:%Y%m%dT%H%M%S.%fZ}-{number}.json")
    return candidate


def set_aside(path: Path, reason: str) -> Path:
    """Rename a corrupt state file out of the way and warn, naming both paths and the reason."""
    target = corrupt_name(path)
    os.replace(path, target)
    warnings.warn(
        f"Your saved file {path} could not be read ({reason}). It has been kept as {target} "
        f"and a fresh {path.name} started; nothing was deleted. A tutor can recover entries "
        "from the kept copy.",
        CorruptStateWarning,
        stacklevel=3,
    )
    return target


def _parse(path: Path, validate: Callable[[Any], str | None] | None) -> tuple[Any, str | None]:
    """Read JSON from path; return (data, None), or (None, reason) if it is unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 text: {error.reason} at byte {error.start}"
    except json.JSONDecodeError as error:
        return None, f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
    problem = validate(data) if validate else None
    return (None, problem) if problem else (data, None)


def read_json(
    path: str | Path,
    default: Callable[[], Any],
    validate: Callable[[Any], str | None] | None = None,
) -> Any:
    """Read a state file: ``default()`` if missing; a corrupt file is set aside with a warning.

    ``validate(data)`` returns None when the data has the expected shape, or a sentence saying
    what is wrong (that counts as corrupt). Call under ``locked(path)`` when the file may be
    changed by another process at the same time.
    """
    path = Path(path)
    if not path.exists():
        return default()
    data, problem = _parse(path, validate)
    if problem is not None:
        set_aside(path, problem)
        return default()
    return data


def update_json(
    path: str | Path,
    change: Callable[[Any], Any],
    default: Callable[[], Any],
    validate: Callable[[Any], str | None] | None = None,
) -> Any:
    """Read-modify-write under the lock: new = change(old); written atomically; returns new."""
    path = Path(path)
    with locked(path):
        current = read_json(path, default, validate)
        updated = change(current)
        write_json_atomic(path, updated)
    return updated


def load_json(
    path: str | Path,
    default: Callable[[], Any],
    validate: Callable[[Any], str | None] | None = None,
) -> Any:
    """Read a state file under the lock (so a half-finished update is never seen)."""
    path = Path(path)
    if not path.exists():
        return default()
    with locked(path):
        return read_json(path, default, validate)
