"""Finding the enterprise workbooks and summarizing them in a pool of worker processes that never outlive
the run."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from cpxl.errors import CpxlError
from cpxl.fsnames import display_name

from .extract import summarize


def find_workbooks(paths: Iterable[Path], *, exclude: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    """(path, name shown in the region workbook) of every .xlsx under ``paths``, sorted and without
    duplicates; directories are searched recursively; Excel's lock files ``~$…`` and hidden files are
    skipped, as are ``exclude`` (the outputs). A path that does not exist is an error. A name in another
    encoding than the system's (GBK on Linux) is opened by its bytes and shown decoded
    (:func:`cpxl.fsnames.display_name`)."""
    skip = {Path(p).resolve() for p in exclude}
    found: dict[Path, str] = {}
    for raw in paths:
        root = Path(raw)
        if not root.exists():
            raise CpxlError(f"找不到文件或文件夹：{root}")
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.suffix.lower() != ".xlsx" or not p.is_file():
                    continue
                rel = p.relative_to(root)
                if any(part.startswith(("~$", ".")) for part in rel.parts):
                    continue
                found.setdefault(p.resolve(), display_name(rel.as_posix()))
        else:
            found.setdefault(root.resolve(), display_name(root.name))
    return sorted(((p, name) for p, name in found.items() if p not in skip), key=lambda x: (x[1], str(x[0])))


def _chunksize(n: int, jobs: int) -> int:
    """Workbooks per task: at least 32 tasks per worker before tasks grow, so that when one worker takes
    the last task the other idles for half a task on average, not half of 8 workbooks (at 100 workbooks
    on 2 cores that was about a twentieth of the run)."""
    return max(1, min(8, n // (jobs * 32) if jobs else 1))


def _preload() -> None:
    """Import what a worker needs before the pool starts, so forked workers share it instead of each
    importing pandas, calamine and the registry again."""
    import cpxl.calc  # noqa: F401
    import cpxl.report.compute  # noqa: F401
    import cpxl.workbook.check  # noqa: F401
    import cpxl.workbook.read  # noqa: F401
    from cpxl.tables import registry

    registry("audit"), registry("acceptance")


def _worker_init(parent: int) -> None:
    """Each worker ends when the process that started it is gone (killed with SIGKILL, say): on Linux the
    kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere a thread watches the parent's pid. Ctrl+C is
    the parent's to handle: the worker ignores SIGINT."""
    import signal
    import threading
    import time

    from cpxl.safeio import parent_death_signal

    with contextlib.suppress(OSError, ValueError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent_death_signal(signal.SIGKILL):
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)
        return

    def watch():
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, name="cpxl-parent-watch", daemon=True).start()


def iter_summaries(items: Sequence[tuple[Path, str]], *, jobs: int | None = None, full: bool = False) -> Iterable[dict]:
    """Summaries in the order of ``items``: in this process for ``jobs == 1``, else streamed from a pool
    of worker processes (each returns only the small summary). Workers never outlive the run: they end
    with their parent, and are stopped at once when the run is interrupted."""
    jobs = jobs or os.cpu_count() or 1
    tasks = [(str(p), name, full) for p, name in items]
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield _summarize_task(t)
        return
    _preload()
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=_worker_init, initargs=(os.getpid(),))
    finished = False
    try:
        yield from pool.map(_summarize_task, tasks, chunksize=_chunksize(len(tasks), jobs))
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:  # interrupted (Ctrl+C, SIGTERM, an error while folding): stop the workers now
            workers = list((getattr(pool, "_processes", None) or {}).values())
            pool.shutdown(wait=False, cancel_futures=True)
            for proc in workers:
                with contextlib.suppress(Exception):
                    proc.kill()
            for proc in workers:
                with contextlib.suppress(Exception):
                    proc.join(5)


def modified(path: Path) -> float:
    """The file's modification time, 0 when it cannot be read (duplicates keep the newest workbook)."""
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0


def _summarize_task(task: tuple[str, str, bool]) -> dict:
    path, name, full = task
    return summarize(Path(path), name, full=full)
