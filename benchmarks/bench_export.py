"""Export time of the full demo audit report (charts included) against the floor of any export: loading
the workbook and saving an empty .docx. Both measured in one run; also a cold run in a fresh process
(imports included, as `cpxl export` from a shell). Goal: the in-process export ≤ 3 s."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_read import best_of
from docx import Document

from cpxl.demo import write_demo
from cpxl.report import export_report
from cpxl.workbook.read import read_workbook


def floor(path: Path, out: Path) -> None:
    read_workbook(path)
    Document().save(str(out))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = write_demo(tmp)[0]
        export_report(book, tmp / "warm.docx", force=True)  # imports, font cache
        result = export_report(book, tmp / "report.docx", force=True)
        export_s = best_of(lambda: export_report(book, tmp / "report.docx", force=True), repeat=3)
        floor_s = best_of(lambda: floor(book, tmp / "empty.docx"), repeat=3)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cpxl.cli", "export", str(book), "-o", str(tmp / "cold.docx")],
                       check=True, capture_output=True)
        cold_s = time.perf_counter() - t
    print(f"{'export demo audit report':<44}{'seconds':>10}")
    print(f"{f'full report ({result.tables} tables, {result.figures} figures)':<44}{export_s:>10.3f}")
    print(f"{'load workbook + save empty docx':<44}{floor_s:>10.3f}")
    print(f"{'cold: cpxl export in a new process':<44}{cold_s:>10.3f}")
    print(f"ratio export / floor: {export_s / floor_s:.1f}x; export {export_s:.2f} s (goal <= 3 s)")


if __name__ == "__main__":
    sys.exit(main())
