"""Read time of the demo audit workbook: cpxl (python-calamine) vs openpyxl read-only, ratio in one run."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import openpyxl

from cpxl.demo import write_demo
from cpxl.workbook.read import read_workbook


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def openpyxl_read_only(path: Path) -> int:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for _ in row)
    wb.close()
    return n


def measure(repeat: int = 5) -> dict:
    """Seconds (best of `repeat`) to read the demo audit workbook with cpxl and with openpyxl read-only."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_demo(Path(tmp))[0]
        read_workbook(path)  # imports and first-call costs out of the way
        cpxl_s = best_of(lambda: read_workbook(path), repeat)
        openpyxl_s = best_of(lambda: openpyxl_read_only(path), repeat)
    return {"cpxl": cpxl_s, "openpyxl": openpyxl_s, "ratio": openpyxl_s / cpxl_s}


def main() -> None:
    m = measure()
    cpxl_s, openpyxl_s = m["cpxl"], m["openpyxl"]
    print(f"{'read demo workbook':<34}{'seconds':>10}")
    print(f"{'cpxl read_workbook (typed)':<34}{cpxl_s:>10.4f}")
    print(f"{'openpyxl read-only (raw cells)':<34}{openpyxl_s:>10.4f}")
    print(f"ratio openpyxl / cpxl: {openpyxl_s / cpxl_s:.1f}x (goal >= 5x)")


if __name__ == "__main__":
    sys.exit(main())
