"""The blank workbooks open in a real spreadsheet program: LibreOffice headless loads every sheet and
re-saves them (a file it had to repair or could not parse loses sheets or fails to convert)."""

from __future__ import annotations

import subprocess

import openpyxl
import pytest
from requires import requires

from cpxl.tables import KINDS
from cpxl.workbook.build import build_workbook, save_workbook

pytestmark = pytest.mark.libreoffice


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_libreoffice_loads_every_sheet(tmp_path, kind):
    soffice = requires("soffice", "libreoffice")  # libreoffice-calc-nogui
    src = save_workbook(build_workbook(kind), tmp_path / f"{kind}.xlsx")
    expected = openpyxl.load_workbook(src).sheetnames
    out = tmp_path / "out"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    again = openpyxl.load_workbook(out / f"{kind}.xlsx", data_only=True)
    assert again.sheetnames == expected
    if kind in ("audit", "acceptance"):
        # LibreOffice computed the year headers: placeholders while 基准期年份 is still blank
        values = [c.value for row in again["D.6 产品产量"].iter_rows(min_row=3, max_row=5) for c in row]
        assert "20xx年" in values
