"""Workbooks the tests build, kept between test sessions when ``CPXL_TEST_CACHE`` names a directory.

tools/mutation.py sets it: every mutant's test run is a new pytest session, which would otherwise write the same
demo workbooks and the same edited copies of them again. Without the variable (the everyday loop) nothing is kept.

A kept file is found by a digest of what it is built from: every file of the imported cpxl package (code, data,
report templates), the test files (which hold the edits) and the versions of Python and openpyxl, with the
name of what is built and the contents of the files it is built from. ``CPXL_TEST_CACHE_GUARD`` names the code under mutation (``cpxl/workbook/check.py``, a
package ``cpxl/calc``): a file whose building ran any of it is not kept, so a mutant still runs wherever the
tests reach it — only the building of inputs that do not go through the mutated code is skipped.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def directory() -> Path | None:
    """Where built files are kept, or None: keep nothing."""
    where = os.environ.get("CPXL_TEST_CACHE")
    return Path(where) if where else None


@functools.cache
def _sources() -> str:
    import openpyxl

    import cpxl

    digest = hashlib.sha256(f"{sys.version}\nopenpyxl {openpyxl.__version__}\n".encode())
    for root in (Path(cpxl.__file__).resolve().parent, HERE):
        files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        # mutmut writes its results next to the mutated module (check.py.meta, .spans): not sources
        files = [p for p in files if p.suffix == ".py" or (root != HERE and p.suffix not in (".meta", ".spans"))]
        for path in files:
            digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def _content(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def key(name: str, inputs: tuple[Path, ...] = ()) -> str:
    """The digest of the sources, `name` (what is built: a test's id and the number of its edit) and the
    contents of the files it is built from."""
    parts = [_sources(), name, *(_content(Path(p)) for p in inputs)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _guarded() -> tuple[str, ...]:
    """The path fragments of the code under mutation, as they end a code object's file name."""
    target = os.environ.get("CPXL_TEST_CACHE_GUARD", "").strip("/")
    if not target:
        return ()
    return (f"/{target}",) if target.endswith(".py") else (f"/{target}/",)


def watched(build: Callable[[], object]) -> tuple[object, set[str]]:
    """build(), and the files of guarded code it ran (every Python call is looked at: a miss costs more)."""
    guarded = _guarded()
    ran: set[str] = set()
    if not guarded:
        return build(), ran

    def profile(frame, event, arg):
        if event == "call":
            name = frame.f_code.co_filename.replace(os.sep, "/")
            if any(g in name if g.endswith("/") else name.endswith(g) for g in guarded):
                ran.add(name)

    before = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = build()
    finally:
        sys.setprofile(before)
    return result, ran


def kept(name: str, write: Callable[[Path], list[Path]], target: Path, inputs: tuple[Path, ...] = (), keep: bool = True) -> list[Path]:
    """The files `write(target)` writes into the directory `target`: written there, or copied from the files
    kept under `name` when neither the sources nor the files in `inputs` (read by `write`: a demo workbook the
    mutated code may have built differently) have changed since. ``keep=False``: `write` uses something else
    the guarded code made (a reading of the demo, see `watched`): always written."""
    where = directory()
    if where is None or not keep:
        return write(target)
    store = where / key(name, inputs)
    if store.is_dir():
        names = (store / "files").read_text(encoding="utf-8").splitlines()
        target.mkdir(parents=True, exist_ok=True)
        return [Path(shutil.copyfile(store / n, target / n)) for n in names]
    paths, ran = watched(lambda: write(target))
    if ran:
        warnings.warn(f"{name}: building ran the code under mutation ({', '.join(sorted(ran))}), not kept", stacklevel=2)
        return paths
    where.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=where, prefix=".partial-"))
    for p in paths:
        shutil.copyfile(p, partial / p.name)
    (partial / "files").write_text("\n".join(p.name for p in paths), encoding="utf-8")
    try:
        partial.rename(store)  # whole or not at all; another session may have kept the same files meanwhile
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
    return paths
