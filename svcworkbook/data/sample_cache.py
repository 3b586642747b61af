"""The bundled samples, parsed and validated once per machine instead of once per kernel.

Every unit notebook that runs on the samples reads and validates the same eight CSV files (0.7 s
of CPU a kernel, the largest piece of a unit's own work after its charts). The first kernel saves
the loaded frames with pickle in the user's cache folder; later kernels read them back (0.02 s).

The saved copy is used only when it was made from exactly these inputs: its name carries a hash
of every sample file, every module of ``svcworkbook.data`` (the loader and its rules) and the
pandas, numpy and Python versions, so changing a sample, a rule or a library makes a new one.
The folder is the user's own (``$SVCWORKBOOK_CACHE``, else ``$XDG_CACHE_HOME/svcworkbook``, else
``~/.cache/svcworkbook``), created private (0700); a folder others can write to is not trusted
(pickle runs code), and then, or when anything fails, the samples are simply loaded as before.
Set ``SVCWORKBOOK_CACHE=off`` to always load them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

CACHE_VARIABLE = "SVCWORKBOOK_CACHE"


def cache_folder() -> Path | None:
    """The user's cache folder for svcworkbook, or None when caching is switched off."""
    chosen = os.environ.get(CACHE_VARIABLE, "")
    if chosen.strip().lower() in {"off", "0", "no", "false"}:
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "svcworkbook"


def inputs_key(sample_dir: Path) -> str:
    """A hash of everything the loaded samples depend on: the files, the loader, the libraries."""
    import numpy
    import pandas

    digest = hashlib.blake2b(digest_size=16)
    versions = (platform.python_version(), pandas.__version__, numpy.__version__)
    digest.update(repr(versions).encode())
    code = sorted(Path(__file__).parent.rglob("*.py"))
    for path in [*code, *sorted(sample_dir.glob("*.csv"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _private(folder: Path) -> bool:
    """Whether folder is ours and nobody else may write to it (so its pickles can be trusted)."""
    info = folder.stat()
    owner = info.st_uid == os.getuid() if hasattr(os, "getuid") else True
    return owner and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _save(target: Path, value: Any) -> None:
    """Write value with pickle to target atomically (a temporary file, then one rename)."""
    descriptor, temp_name = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def load_cached(sample_dir: Path, load: Callable[[Path], Any]) -> Any:
    """``load(sample_dir)``, from the saved copy when one was made from the same inputs."""
    folder = cache_folder()
    if folder is None:
        return load(sample_dir)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return load(sample_dir)
        target = folder / f"samples-{inputs_key(sample_dir)}.pickle"
        if target.exists():
            with open(target, "rb") as handle:
                return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return load(sample_dir)
    value = load(sample_dir)  # a DataError here is the samples' own problem: let it show
    try:
        _save(target, value)
    except OSError:
        pass  # a full or read-only disk: the samples are loaded, just not saved
    return value
