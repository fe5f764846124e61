"""LibreOffice and `cpxl calc` compute the same value in every formula cell of the demo workbook (to 1e-9
relative; text equal; a blank equals "").

LibreOffice does not know the ``CP_*`` add-in functions: it shows #NAME? in those cells and in every cell
summing them, so the comparison of all formula cells fails until the templates' computed columns are native
formulas; the cells that do not depend on a ``CP_`` call agree today.
"""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

import libreoffice as lomod
from cpxl.workbook.evaluate import evaluate_values

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def _has_cp(formula: str) -> bool:
    return "CP_" in formula.upper()


@pytest.fixture(scope="module")
def parity(demo_paths, lo, tmp_path_factory):
    """(formulas, LibreOffice's values, cpxl's values, the cells depending on a CP_ call) of the demo."""
    src = demo_paths[0]
    recalculated = lo.recalc(src, tmp_path_factory.mktemp("parity") / "lo.xlsx")
    formulas = lo.formula_cells(src)
    ours = evaluate_values(src)
    theirs = lo.cached_values(recalculated, formulas)
    with_cp = lo.depending_on(formulas, _has_cp, lo.defined_names(src))
    return formulas, theirs, ours, with_cp


def _report(mismatches: list[str], total: int) -> str:
    head = f"{len(mismatches)} of {total} formula cells differ (LibreOffice vs cpxl calc):\n"
    return head + "\n".join(mismatches[:60]) + ("\n…" if len(mismatches) > 60 else "")


def test_recalc_really_recalculates(lo, tmp_path):
    """A formula cell saved with a wrong cached value comes back with the right one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["B1"], ws["C1"] = 21, "=A1*2", '=IF(A1>0,"pos","neg")'
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>A1*2</f><v></v>", b"<f>A1*2</f><v>999</v>")
                data = data.replace(b'<c r="C1"><f>', b'<c r="C1" t="str"><f>').replace(b"</f><v></v>", b"</f><v>wrong</v>")
            zout.writestr(info, data)
    assert lo.cached_values(stale, [("S", "B1"), ("S", "C1")]) == {("S", "B1"): 999, ("S", "C1"): "wrong"}

    kept = lo.convert(stale, "xlsx", tmp_path / "kept.xlsx", recalc=False)  # LibreOffice's default: never
    assert lo.cached_values(kept, [("S", "B1")]) == {("S", "B1"): 999}
    for fmt in ("xlsx", "ods-xlsx"):
        out = lo.convert(stale, fmt, tmp_path / f"{fmt}.xlsx")
        assert lo.cached_values(out, [("S", "B1"), ("S", "C1")]) == {("S", "B1"): 42, ("S", "C1"): "pos"}, fmt
    assert lo.recalc(stale, tmp_path / "r.xlsx") == tmp_path / "r.xlsx"


def test_failure_names_the_file_and_carries_libreoffice_output(lo, tmp_path):
    bad = tmp_path / "missing.xlsx"
    with pytest.raises(lo.LibreOfficeError, match="missing.xlsx"):
        lo._soffice(bad, "xlsx", tmp_path / "out", recalc=True, timeout=120)


def test_compare_formula_cells_reports_sheet_cell_formula_and_both_values():
    a = {("S", "A1"): 1.0, ("S", "A2"): "x", ("S", "A3"): None, ("S", "A4"): 3}
    b = {("S", "A1"): 1.0 + 1e-12, ("S", "A2"): "y", ("S", "A3"): "", ("S", "A4"): 3.0001}
    formulas = {k: f"=F{k[1]}" for k in a}
    assert lomod.compare_formula_cells(a, b, formulas=formulas, names=("LO", "cpxl")) == [
        "S!A2  =FA2  LO='x'  cpxl='y'",
        "S!A4  =FA4  LO=3  cpxl=3.0001",
    ]


def test_depending_on_follows_references_across_sheets():
    formulas = {
        ("S", "A1"): "=CP_TCE(1,\"电力\")",
        ("S", "A2"): "=SUM(A1:A1)",
        ("T", "B1"): "='S'!A2*2",
        ("T", "B2"): "=1+1",
        ("T", "B3"): "=SUM('S'!C1:C9)",
    }
    assert lomod.depending_on(formulas, _has_cp) == {("S", "A1"), ("S", "A2"), ("T", "B1")}


@pytest.mark.xfail(strict=False, reason="LibreOffice shows #NAME? for the CP_* add-in functions; passes once the "
                   "templates' computed columns are native formulas")
def test_every_formula_cell_agrees(parity):
    formulas, theirs, ours, _ = parity
    mismatches = lomod.compare_formula_cells(theirs, ours, formulas=formulas, names=("LibreOffice", "cpxl"))
    assert not mismatches, _report(mismatches, len(formulas))


def test_formula_cells_without_cp_calls_agree(parity):
    formulas, theirs, ours, with_cp = parity
    cells = [k for k in formulas if k not in with_cp]
    assert len(cells) > 300  # headers, lookups, totals, 目录 status: most of the template's native formulas
    mismatches = lomod.compare_formula_cells(theirs, ours, formulas=formulas, cells=cells, names=("LibreOffice", "cpxl"))
    assert not mismatches, _report(mismatches, len(cells))
