"""Render the README's pictures from real files, so they never go stale:

* one sheet of the demo audit workbook as LibreOffice computes and prints it;
* pages of the demo audit report (cover, a table, a diagram) as LibreOffice renders the .docx.

    python tools/screenshots.py [docs/images]

Needs LibreOffice (soffice) and poppler (pdftoppm); writes PNG files only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
SHEET = "ECO.1 方案经济评价"
DPI = 70


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise SystemExit("需要 LibreOffice（soffice）")
    return found


def _pdf(src: Path, outdir: Path) -> Path:
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run([_soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
                    "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=300)
    return outdir / (src.stem + ".pdf")


def _png(pdf: Path, page: int, target: Path) -> Path:
    stem = target.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", "-singlefile", str(pdf), str(stem)],
                   check=True, capture_output=True)
    return target


def _page_with(pdf: Path, needle: str) -> int:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for i, page in enumerate(text.split("\f"), 1):
        if needle in page:
            return i
    raise SystemExit(f"报告中找不到“{needle}”")


def main(out: Path) -> list[Path]:
    from cpxl.demo import write_demo
    from cpxl.report.export import export_report

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="cpxl-shots-") as tmp:
        tmp = Path(tmp)
        audit = write_demo(tmp / "demo", region=False)[0]
        # the sheet alone: the others hidden (kept, since its formulas look up 参数 and 代码表), so only it prints
        wb = openpyxl.load_workbook(audit)
        wb.active = wb.sheetnames.index(SHEET)
        for ws in wb.worksheets:
            if ws.title != SHEET:
                ws.sheet_state = "hidden"
        sheet = tmp / "sheet.xlsx"
        wb.save(sheet)
        written.append(_png(_pdf(sheet, tmp), 1, out / "workbook-eco1.png"))
        report = export_report(audit, tmp / "审核报告.docx", pdf=True)
        pdf = report.pdf_path
        written.append(_png(pdf, 1, out / "report-cover.png"))
        written.append(_png(pdf, _page_with(pdf, "综合能耗情况表"), out / "report-table.png"))
        written.append(_png(pdf, _page_with(pdf, "物料平衡图"), out / "report-diagram.png"))
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"):
        print(path)
