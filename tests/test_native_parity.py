"""Workbooks compute wherever they are opened: every computed cell of the default (native) workbook equals,
to 1e-9 relative, the value of LibreOffice's own recalculation, of `cpxl calc`, of `cpxl calc` on the
`--functions cp` workbook, and of the Python derivation the report uses (cpxl.report.compute).

Blank and "" are the same cell content; every other difference is listed as sheet!cell with the formula.
"""

from __future__ import annotations

import math
import random
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cpxl.demo import demo_data
from cpxl.report.compute import derive
from cpxl.workbook.build import TEMPLATE_FILES, build_workbook, save_workbook
from cpxl.workbook.evaluate import calc_workbook
from cpxl.workbook.layout import Layout
from cpxl.workbook.read import read_workbook

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("audit", "acceptance")


def same(a, b) -> bool:
    a = None if a == "" else a
    b = None if b == "" else b
    if isinstance(a, datetime) and isinstance(b, date) and not isinstance(b, datetime):
        a = a.date()  # a date cell reads back as a datetime
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def formula_cells(path: Path) -> dict[tuple[str, str], str]:
    wb = load_workbook(path)
    return {
        (ws.title, c.coordinate): c.value
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    }


def compare(formulas: dict, a: Path, b: Path) -> list[str]:
    """Formula cells whose cached values differ between workbooks `a` and `b`."""
    va, vb = load_workbook(a, data_only=True), load_workbook(b, data_only=True)
    out = []
    for (sheet, ref), formula in formulas.items():
        x, y = va[sheet][ref].value, vb[sheet][ref].value
        if not same(x, y):
            out.append(f"{sheet}!{ref}: {x!r} ≠ {y!r}  {formula[:120]}")
    return out


def compare_derivation(book_path: Path, computed: Path) -> tuple[int, list[str]]:
    """Computed columns of the registry as cpxl.report.compute derives them vs the cells of `computed`."""
    book = read_workbook(book_path)
    d = derive(book)
    values = load_workbook(computed, data_only=True)
    n, out = 0, []
    for t in book.registry:
        data = book.tables.get(t.id)
        if data is None or not data.present or t.id not in d.frames or t.id == "参数":
            continue  # 参数 采用值 is cpxl.calc.parameters' merge, not a derived column
        f = d.frames[t.id]
        for col in t.columns:
            if not col.computed or col.key not in f:
                continue
            for idx in f.index:
                ref = data.cells.at[idx, col.key]
                mine = f.at[idx, col.key]
                if isinstance(mine, float) and math.isnan(mine):
                    mine = None
                cell = values[data.sheet][ref].value
                n += 1
                if not same(cell, mine):
                    out.append(f"{data.sheet}!{ref} ({t.id} {col.key}): cell {cell!r} ≠ derivation {mine!r}")
        for fd in t.fields:
            if fd.computed and fd.key in data.field_cells:
                ref = data.field_cells[fd.key]
                mine, cell = d.fields.get(t.id, {}).get(fd.key), values[data.sheet][ref].value
                n += 1
                if not same(cell, mine):
                    out.append(f"{data.sheet}!{ref} ({t.id} {fd.key}): cell {cell!r} ≠ derivation {mine!r}")
    return n, out


def libreoffice_recalc(src: Path, outdir: Path) -> Path:
    """LibreOffice headless opens `src`, recalculates every formula (private profile: OOXML and ODF recalc
    mode “always”) and saves it as .xlsx in `outdir`."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice（soffice）未安装：CI 由 .ci/run 安装 libreoffice-calc-nogui"
    profile = outdir / "lo-profile"
    xcu = profile / "user" / "registrymodifications.xcu"
    xcu.parent.mkdir(parents=True, exist_ok=True)
    xcu.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "".join(
            f'<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="{name}" oor:op="fuse">'
            "<value>0</value></prop></item>\n"
            for name in ("OOXMLRecalcMode", "ODFRecalcMode")
        )
        + "</oor:items>\n",
        encoding="utf-8",
    )
    target = outdir / "lo"
    target.mkdir(exist_ok=True)
    run = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(target), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    out = target / src.name
    assert run.returncode == 0 and out.exists(), run.stderr
    return out


@pytest.mark.parametrize("name", list(TEMPLATE_FILES.values()))
def test_default_templates_call_no_add_in_function(name):
    with zipfile.ZipFile(ROOT / "xlsx_templates" / name) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        for part in sheets:
            assert b"CP_" not in zf.read(part), (name, part)


def _calc(src: Path, dst: Path) -> Path:
    result = calc_workbook(src, dst, force=True)
    assert result.errors == [], result.errors[:5]  # blank inputs give blanks, never #DIV/0! or #VALUE!
    return dst


@pytest.fixture(scope="module")
def demo_books(tmp_path_factory):
    """{kind: (native, native calc'd, cp, cp calc'd)} for the demo workbooks."""
    root = tmp_path_factory.mktemp("parity")
    books = {}
    for kind in KINDS:
        native = save_workbook(build_workbook(kind, demo_data(kind)), root / f"{kind}.xlsx")
        cp = save_workbook(build_workbook(kind, demo_data(kind), functions="cp"), root / f"{kind}-cp.xlsx")
        books[kind] = (native, _calc(native, root / f"{kind}-calc.xlsx"), cp, _calc(cp, root / f"{kind}-cp-calc.xlsx"))
    return books


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_cp_workbook_computes_as_the_native_one(demo_books, kind):
    native, native_calc, cp, cp_calc = demo_books[kind]
    formulas = formula_cells(native)
    assert len(formulas) > 700 and formula_cells(cp).keys() == formulas.keys()
    assert compare(formulas, native_calc, cp_calc) == []


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_python_derivation_equals_the_cells(demo_books, kind):
    native, native_calc, _, _ = demo_books[kind]
    n, problems = compare_derivation(native, native_calc)
    assert n > 350 and problems == []


@pytest.mark.slow
@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_recalculation_equals_cpxl_calc(demo_books, kind, tmp_path):
    native, native_calc, _, _ = demo_books[kind]
    recalculated = libreoffice_recalc(native, tmp_path)
    formulas = formula_cells(native)
    assert compare(formulas, recalculated, native_calc) == []


def _random_fill(src: Path, dst: Path, seed: int) -> Path:
    """The demo with the inputs of the computed tables redrawn — numbers of every size, zeros and blanks —
    in the rows that carry the table's formulas. Values stay in each quantity's domain (no negative flow,
    effective energy ≤ supplied): outside it `cpxl check` reports an error, the sheet computes the
    arithmetic and the report leaves the value blank."""
    rng = random.Random(seed)
    reg = read_workbook(src).registry
    wb = load_workbook(src)

    def draw():
        return rng.choice([None, 0, rng.uniform(0.001, 10), rng.uniform(1, 5000), round(rng.uniform(0, 50), 2)])

    inputs = {
        "D.6": [f"output_{i}" for i in (1, 2, 3)],
        "D.11": [f"total_{i}" for i in (1, 2, 3)],
        "BAL.1": ["qty"],
        "BAL.2": ["fresh", "reused", "consumed", "discharged", "leaked"],
        "BAL.3": ["supplied", "effective", "loss_flue", "loss_surface", "loss_other"],
        "BAL.4": ["generated", "removed", "stack", "fugitive"],
        "ECO.1": ["investment", "subsidy", "income", "saving"],
        "IND.1": ["value_before", "value_after"],
        "ACC.3": ["before", "after"],
        "E.4": ["annual"],
    }
    for table_id, keys in inputs.items():
        if table_id not in reg:
            continue
        table = reg[table_id]
        layout = Layout(table)
        ws = wb[table.sheet_name]
        computed = [c.key for c in table.columns if c.computed]
        rows = [
            r for r in range(layout.data_row, layout.data_row + 40)
            if not computed or str(ws[f"{layout.letter(computed[0])}{r}"].value or "").startswith("=")
        ]
        for r in rows:
            cell = lambda key: ws[f"{layout.letter(key)}{r}"]  # noqa: E731
            for key in keys:
                if cell(key).value is not None or rng.random() < 0.2:
                    cell(key).value = draw()
            if table_id == "ECO.1" and cell("option_id").value:  # whole and fractional service lives
                cell("life").value = rng.choice([None, 1, 5, 10, 15, 7.5])
            if table_id == "BAL.3" and isinstance(cell("effective").value, (int, float)):
                supplied = cell("supplied").value
                cell("effective").value = min(cell("effective").value, supplied or 0) if supplied else None
            if table_id == "BAL.4":
                for key in ("capture_eff", "removal_eff"):
                    if cell(key).value is not None:
                        cell(key).value = rng.choice([None, 0, 1, rng.random()])
    wb.save(dst)
    return dst


@pytest.mark.slow
@pytest.mark.libreoffice
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1))
def test_random_fills_agree_in_all_engines(seed, tmp_path_factory):
    """Randomised inputs (hypothesis draws the seed): LibreOffice = cpxl calc = Python derivation."""
    root = tmp_path_factory.mktemp("random")
    base = save_workbook(build_workbook("audit", demo_data("audit")), root / "base.xlsx")
    filled = _random_fill(base, root / "filled.xlsx", seed)
    computed = _calc(filled, root / "calc.xlsx")
    formulas = formula_cells(filled)
    assert compare(formulas, libreoffice_recalc(filled, root), computed) == []
    assert compare_derivation(filled, computed)[1] == []
