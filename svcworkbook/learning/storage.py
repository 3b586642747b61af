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


class StateFileError(OSError):
    """A saved-state path that is not a file (a folder of that name): said plainly, with the fix."""


#: A cleaner of a state file's entries: (the entries it can use, a sentence per entry left out).
Cleaner = Callable[[Any], tuple[Any, list[str]]]


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


def writable(path: Path) -> bool:
    """Whether the state file's folder can be written (a read-only folder can still be read)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK)


def set_aside(path: Path, reason: str) -> Path | None:
    """Rename a corrupt state file out of the way and warn, naming both paths and the reason (in
    a read-only folder it is left where it is, and the warning says so)."""
    target = corrupt_name(path)
    try:
        os.replace(path, target)
    except OSError as error:
        warnings.warn(
            f"Your saved file {path} could not be read ({reason}), and it could not be set "
            f"aside ({error.strerror}): it is left as it is and an empty one is used for now. "
            "Fix: make the folder writable, or ask a tutor to look at the file.",
            CorruptStateWarning,
            stacklevel=3,
        )
        return None
    warnings.warn(
        f"Your saved file {path} could not be read ({reason}). It has been kept as {target} "
        f"and a fresh {path.name} started; nothing was deleted. A tutor can recover entries "
        "from the kept copy.",
        CorruptStateWarning,
        stacklevel=3,
    )
    return target


def keep_copy(path: Path, left_out: list[str]) -> Path | None:
    """Copy a state file some of whose entries are unusable beside it (``.corrupt-...json``) and
    warn naming the copy and the entries; None (and a warning) when the folder is read-only."""
    import shutil

    shown = "; ".join(left_out[:3]) + (
        f"; and {len(left_out) - 3} more" if len(left_out) > 3 else ""
    )
    target = corrupt_name(path)
    try:
        shutil.copy2(path, target)
    except OSError as error:
        warnings.warn(
            f"Your saved file {path} holds {len(left_out)} entr{'y' if len(left_out) == 1 else 'ies'} "
            f"this workbook cannot read ({shown}); they are left out for now and the file is "
            f"unchanged (a copy could not be made: {error.strerror}).",
            CorruptStateWarning,
            stacklevel=4,
        )
        return None
    warnings.warn(
        f"Your saved file {path} held {len(left_out)} entr{'y' if len(left_out) == 1 else 'ies'} "
        f"this workbook cannot read ({shown}). They were set aside: the whole file is kept as "
        f"{target}, and everything else in it is used as before.",
        CorruptStateWarning,
        stacklevel=4,
    )
    return target


def _refuse_folder(path: Path) -> None:
    """StateFileError when the state file's name is taken by a folder."""
    if path.is_dir():
        raise StateFileError(
            f"{path} is a folder, not the saved file the workbook keeps there. Fix: move or "
            f"rename that folder (it may hold files you want), and a new {path.name} is started."
        )


def _parse(path: Path, validate: Callable[[Any], str | None] | None) -> tuple[Any, str | None]:
    """Read JSON from path; return (data, None), or (None, reason) if it is unusable."""
    _refuse_folder(path)
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
    clean: Cleaner | None = None,
    tidy: bool = False,
) -> Any:
    """Read a state file: ``default()`` if missing; a corrupt file is set aside with a warning.

    ``validate(data)`` returns None when the data has the expected shape, or a sentence saying
    what is wrong (that counts as corrupt). ``clean(data)`` returns the entries it can use and a
    sentence per entry left out: then a copy of the whole file is kept beside it, a warning names
    it, and (with ``tidy``) the file is rewritten without those entries. Call under
    ``locked(path)`` when the file may be changed by another process at the same time.
    """
    path = Path(path)
    _refuse_folder(path)
    if not path.exists():
        return default()
    data, problem = _parse(path, validate)
    if problem is not None:
        set_aside(path, problem)
        return default()
    if clean is not None:
        data, left_out = clean(data)
        if left_out and keep_copy(path, left_out) is not None and tidy:
            write_json_atomic(path, data)
    return data


def update_json(
    path: str | Path,
    change: Callable[[Any], Any],
    default: Callable[[], Any],
    validate: Callable[[Any], str | None] | None = None,
    clean: Cleaner | None = None,
) -> Any:
    """Read-modify-write under the lock: new = change(old); written atomically; returns new."""
    path = Path(path)
    with locked(path):
        current = read_json(path, default, validate, clean)
        updated = change(current)
        write_json_atomic(path, updated)
    return updated


def load_json(
    path: str | Path,
    default: Callable[[], Any],
    validate: Callable[[Any], str | None] | None = None,
    clean: Cleaner | None = None,
) -> Any:
    """Read a state file under the lock (so a half-finished update is never seen). In a folder
    the learner cannot write (a read-only share), the file is read without the lock: writes
    replace the file in one step, so a reader still sees a whole file, old or new."""
    path = Path(path)
    _refuse_folder(path)
    if not path.exists():
        return default()
    if not writable(path):
        return read_json(path, default, validate, clean)
    with locked(path):
        return read_json(path, default, validate, clean, tidy=True)
