"""Headless evaluation time: 2 000 CP_NPV cells against 2 000 native SUM cells.

Both workbooks have the same inputs (four numbers per row); one computes each row with
``=CP_NPV(A,B,C,D)``, the other with ``=SUM(A:D)``. The script prints both times and their
ratio, measured in the same run; it asserts nothing about speed.

    python benchmarks/bench_calc.py [--rows 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import openpyxl

from cpxl.workbook.engine import calc_workbook


def build(path: Path, rows: int, formula: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for r in range(1, rows + 1):
        ws.append([100 + r % 50, 20 + r % 7, 10, 0.05, formula.format(r=r)])
    wb.save(path)


def timed(src: Path, dst: Path, repeat: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = calc_workbook(src, dst, force=True)
        best = min(best, time.perf_counter() - started)
        count = result.formulas
    return best, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cp, native = tmp / "cp.xlsx", tmp / "native.xlsx"
        build(cp, args.rows, "=CP_NPV(A{r},B{r},C{r},D{r})")
        build(native, args.rows, "=SUM(A{r}:D{r})")
        timed(native, tmp / "warm.xlsx", 1)  # imports and first-call costs out of the way
        t_native, n_native = timed(native, tmp / "native_out.xlsx", args.repeat)
        t_cp, n_cp = timed(cp, tmp / "cp_out.xlsx", args.repeat)

    print(f"SUM    {n_native:6d} 个公式  {t_native:7.3f} s  ({t_native / n_native * 1e3:.3f} ms/格)")
    print(f"CP_NPV {n_cp:6d} 个公式  {t_cp:7.3f} s  ({t_cp / n_cp * 1e3:.3f} ms/格)")
    print(f"CP_NPV / SUM = {t_cp / t_native:.2f}")


if __name__ == "__main__":
    main()
