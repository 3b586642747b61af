"""Keeping a class pack safe: one run at a time, learners' edited data kept, a clean stop.

- :func:`pack_lock`: a second ``classpack`` on the same folder stops at once, saying which process
  holds it (two runs at once corrupted the manifest). The lock is the operating system's
  (``filelock``), so it is released when the holding process ends, however it ends.
- :func:`data_decision`: a learner's ``data/*.csv`` that differ from what the pack wrote (the
  learner or tutor edited them) are kept unless ``--force``; with ``--force`` they are copied to
  ``data.backup-YYYYmmdd-HHMMSS/`` first, as edited notebooks are.
- :func:`run_in_processes`: worker processes that die with the class pack (``kill -9`` no longer
  leaves workers and their kernels running), and Ctrl-C cancels the queued work instead of
  running all of it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from svcworkbook.errors import ParameterError

LOCK_FILE = ".classpack.lock"
OWNER_FILE = ".classpack.owner"


@contextlib.contextmanager
def pack_lock(out: Path) -> Iterator[None]:
    """Hold the pack folder for this run; ParameterError naming the holder if another run has it."""
    from filelock import FileLock, Timeout

    out.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out / LOCK_FILE), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        owner = out / OWNER_FILE
        who = owner.read_text(encoding="utf-8").strip() if owner.is_file() else "another run"
        raise ParameterError(
            f"{out} is being built by {who}. Fix: wait for that run to finish, or use another "
            "--out folder (the folder is free again as soon as that process ends)."
        ) from None
    try:
        since = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        (out / OWNER_FILE).write_text(
            f"svcworkbook classpack (process {os.getpid()} on {socket.gethostname()}, "
            f"started {since})",
            encoding="utf-8",
        )
        yield
    finally:
        with contextlib.suppress(OSError):
            (out / OWNER_FILE).unlink()
        lock.release()


def edited_files(recorded: dict[str, str] | None, files: Iterable[Path]) -> list[Path]:
    """The files that exist but differ from the digests the pack recorded when it wrote them.

    No record at all (a folder the pack did not write, or a lost manifest) makes every existing
    file count as edited: nothing is replaced that the pack cannot show it wrote.
    """
    from svcworkbook.teaching.classpack import file_digest

    existing = [f for f in files if f.exists()]
    if recorded is None:
        return existing
    return [f for f in existing if recorded.get(f.name) != file_digest(f)]


def data_decision(entry: dict[str, Any] | None, stamp: str, files: list[Path], force: bool) -> str:
    """What to do with a learner's data folder: 'current', 'generate', 'keep' or 'backup'.

    Rule: current when the recorded fingerprint matches and no file changed; otherwise keep a
    folder whose files were edited (backup then regenerate with force); otherwise generate.
    """
    recorded = entry.get("files") if entry else None
    edited = edited_files(recorded, files)
    if entry and entry.get("fingerprint") == stamp and not entry.get("error"):
        if not edited and all(f.exists() for f in files):
            return "current"
    if edited:
        return "backup" if force else "keep"
    return "generate"


def backup_folder(folder: Path, when: datetime | None = None) -> Path:
    """Copy a folder to <name>.backup-YYYYmmdd-HHMMSS beside it (a new name if taken)."""
    stamp = (when or datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder.with_name(f"{folder.name}.backup-{stamp}")
    number = 1
    while target.exists():
        number += 1
        target = folder.with_name(f"{folder.name}.backup-{stamp}-{number}")
    shutil.copytree(folder, target)
    return target


def die_with_parent(parent_pid: int) -> None:
    """Make this (worker) process end when the process that started it ends.

    On Linux the kernel sends SIGTERM at once (prctl PR_SET_PDEATHSIG); everywhere a daemon thread
    also checks once a second that the parent is still the same. The worker's Jupyter kernels
    then end too: ipykernel exits when its own parent (this worker) is gone.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            time.sleep(1.0)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def run_in_processes(
    function: Callable[[dict[str, Any]], dict[str, Any]],
    tasks: list[dict[str, Any]],
    jobs: int,
    on_done: Callable[[dict[str, Any]], None],
) -> None:
    """function(task) in `jobs` worker processes, on_done(result) as each finishes.

    Ctrl-C (or any error) stops the workers at once and nothing queued is started; results
    already passed to on_done stay recorded. multiprocessing.Pool rather than
    concurrent.futures: it can terminate its workers, and ProcessPoolExecutor's shutdown still
    runs every task already handed to a worker.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no forked copies of a parent's threads
    pool = context.Pool(jobs, initializer=die_with_parent, initargs=(os.getpid(),))
    try:
        for result in pool.imap_unordered(function, tasks, chunksize=1):
            on_done(result)
    except BaseException:
        pool.terminate()
        pool.join()
        raise
    pool.close()  # workers exit normally, so their warm kernels are shut down cleanly
    pool.join()


class PackInterrupted(KeyboardInterrupt):
    """Ctrl-C during a class pack: what finished is recorded; the message says so."""
