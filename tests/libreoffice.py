"""LibreOffice headless for tests: recalculate a workbook, save it as another host would, and compare the
values of formula cells between two workbooks.

LibreOffice keeps the cached values of an .xlsx it loads unless told otherwise (Tools ▸ Options ▸ Calc ▸
Formula ▸ "Recalculation on file load": *Never recalculate* for Excel 2007 and newer). `recalc` runs it with a
private profile whose ``registrymodifications.xcu`` sets that option — and the one for ODF files — to *Always
recalculate*, so a saved value is LibreOffice's own result and never a stale cached one
(``tests/test_parity.py`` proves it on a cell whose cached value is wrong).
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
TIMEOUT = 300  # seconds for one conversion (the demo workbook takes about 10 s on two cores)

# Filters: what "Save as Excel 2007-365 (.xlsx)" and "Save as ODF Spreadsheet (.ods)" write.
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods:calc8"}

# /org.openoffice.Office.Calc/Formula/Load: 0 always recalculate, 1 never, 2 ask (the default 1 for OOXML).
_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>
</oor:items>
"""

_profiles: dict[bool, Path] = {}


class LibreOfficeError(RuntimeError):
    """LibreOffice failed, timed out or wrote nothing; the message carries its output."""


def available() -> bool:
    return SOFFICE is not None


def profile(recalc: bool = True) -> Path:
    """A private LibreOffice user profile for this process (never the user's own, never shared with another
    process running at the same time): with `recalc`, formulas are recalculated whenever a file is loaded."""
    if recalc not in _profiles:
        root = Path(tempfile.mkdtemp(prefix="cpxl-lo-profile-"))
        (root / "user").mkdir()
        (root / "user" / "registrymodifications.xcu").write_text(
            _RECALC_XCU.format(mode=0 if recalc else 1), encoding="utf-8"
        )
        _profiles[recalc] = root
        atexit.register(shutil.rmtree, root, ignore_errors=True)
    return _profiles[recalc]


def _soffice(src: Path, fmt: str, outdir: Path, *, recalc: bool, timeout: float) -> Path:
    if SOFFICE is None:
        raise LibreOfficeError("LibreOffice（soffice）未安装")
    cmd = [
        SOFFICE,
        f"-env:UserInstallation={profile(recalc).as_uri()}",
        "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        "--convert-to", FILTERS[fmt], "--outdir", str(outdir), str(src),
    ]
    # its own process group: on a time-out the launcher and soffice.bin are ended together
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        raise LibreOfficeError(
            f"LibreOffice did not convert {src.name} to {fmt} within {timeout:g} s\n"
            f"stdout: {stdout.decode(errors='replace').strip()}\nstderr: {stderr.decode(errors='replace').strip()}"
        ) from None
    out = outdir / f"{src.stem}.{fmt}"
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise LibreOfficeError(
            f"LibreOffice failed to convert {src.name} to {fmt} (exit {proc.returncode}, "
            f"{'no output' if not out.is_file() else 'empty output'})\n"
            f"command: {' '.join(cmd)}\nstdout: {stdout.decode(errors='replace').strip()}\n"
            f"stderr: {stderr.decode(errors='replace').strip()}"
        )
    return out


def convert(src: Path, fmt: str, dst: Path | None = None, *, recalc: bool = True, timeout: float = TIMEOUT) -> Path:
    """Open `src` in LibreOffice and save it as `fmt`: ``"xlsx"``, ``"ods"``, or ``"ods-xlsx"`` (saved as .ods,
    that file opened again and saved as .xlsx — a workbook that went through OpenDocument). With `recalc`
    every formula is recalculated on each load. Returns `dst` (default: beside `src`, named after the format)."""
    src = Path(src)
    if fmt not in ("xlsx", "ods", "ods-xlsx"):
        raise ValueError(f"unknown format {fmt!r}: xlsx, ods or ods-xlsx")
    ext = "ods" if fmt == "ods" else "xlsx"
    dst = Path(dst) if dst is not None else src.with_name(f"{src.stem}.lo-{fmt}.{ext}")
    with tempfile.TemporaryDirectory(prefix="cpxl-lo-") as tmp:
        tmp = Path(tmp)
        # a plain ASCII name: LibreOffice names its output after the input
        work = tmp / f"book{src.suffix}"
        shutil.copyfile(src, work)
        if fmt == "ods-xlsx":
            ods = _soffice(work, "ods", tmp / "ods", recalc=recalc, timeout=timeout)
            out = _soffice(ods, "xlsx", tmp / "xlsx", recalc=recalc, timeout=timeout)
        else:
            out = _soffice(work, ext, tmp / "out", recalc=recalc, timeout=timeout)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(out), dst)
    return dst


def recalc(src: Path, dst: Path, *, timeout: float = TIMEOUT) -> Path:
    """LibreOffice opens `src` (.xlsx or .ods), recalculates every formula and saves it as .xlsx at `dst`."""
    return convert(src, "xlsx", dst, recalc=True, timeout=timeout)


# ---- formula cells -------------------------------------------------------------------------------


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    """(sheet, cell) → formula text of every formula cell of an .xlsx (array formulas by their text)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    try:
        found = {}
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f":
                        text = c.value if isinstance(c.value, str) else getattr(c.value, "text", str(c.value))
                        found[(ws.title, c.coordinate)] = text if text.startswith("=") else f"={text}"
        return found
    finally:
        wb.close()


def cached_values(path: Path, cells: Iterable[tuple[str, str]] | None = None) -> dict[tuple[str, str], Any]:
    """(sheet, cell) → the value a program saved for each formula cell of `path` (or for `cells`)."""
    import openpyxl

    cells = list(cells) if cells is not None else list(formula_cells(path))
    wb = openpyxl.load_workbook(path, data_only=True)
    try:
        return {(s, c): wb[s][c].value if s in wb.sheetnames else None for s, c in cells}
    finally:
        wb.close()


def _comparable(value: Any) -> Any:
    """Blank and "" alike; dates as Excel serial numbers; whole floats and ints alike."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (datetime, date, time, timedelta)):
        from openpyxl.utils.datetime import to_excel

        return float(to_excel(value))
    if isinstance(value, (int, float)):
        return float(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _comparable(value.item())
    return str(value)


def same_value(a: Any, b: Any, rel: float = 1e-9, abs_tol: float = 1e-12) -> bool:
    a, b = _comparable(a), _comparable(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)
    return a == b


def _show(value: Any) -> str:
    return "（空）" if value is None or value == "" else repr(value)


def compare_formula_cells(
    book_a: Mapping[tuple[str, str], Any] | Path,
    book_b: Mapping[tuple[str, str], Any] | Path,
    *,
    formulas: Mapping[tuple[str, str], str] | None = None,
    cells: Iterable[tuple[str, str]] | None = None,
    rel: float = 1e-9,
    names: tuple[str, str] = ("A", "B"),
) -> list[str]:
    """Mismatches between two workbooks' values of formula cells, one readable line each:
    ``sheet!cell  formula  A=…  B=…``. A book is a mapping (sheet, cell) → value (``evaluate_values``,
    ``cached_values``) or the path of an .xlsx (its saved values are read). Compared cells: `cells`, else
    those of `formulas`, else the formula cells of the first book given as a path, else the union of the
    keys. Numbers agree to `rel` relative, text exactly, a blank equals ""; a cell missing from a book is
    blank."""
    if formulas is None:
        path = next((Path(b) for b in (book_a, book_b) if not isinstance(b, Mapping)), None)
        formulas = formula_cells(path) if path is not None else {}
    if cells is None:
        cells = list(formulas) or sorted(set(book_a) | set(book_b))  # both mappings here
    cells = list(cells)
    values = [b if isinstance(b, Mapping) else cached_values(Path(b), cells) for b in (book_a, book_b)]
    out = []
    for key in cells:
        a, b = values[0].get(key), values[1].get(key)
        if not same_value(a, b, rel):
            sheet, cell = key
            out.append(f"{sheet}!{cell}  {formulas.get(key, '')}  {names[0]}={_show(a)}  {names[1]}={_show(b)}")
    return out
