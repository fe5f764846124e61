"""The fast formula engine of `cpxl calc`, as ratios measured in one run.

* the demo audit workbook: ``cpxl calc`` against ``cpxl check`` of it, each a cold process
  (interpreter start and imports included), and the peak memory of the calc process;
* 2 000 native formulas (template-like: SUM, IF/ROUND, INDEX/MATCH, SUMIF): ``calc_workbook``
  against LibreOffice's net recalculation (headless conversion of the workbook minus the same
  conversion of a copy holding values instead of formulas);
* 13 000 such formulas: the time of ``calc_workbook``.

    python benchmarks/bench_fastcalc.py [--repeat 3] [--rows 500]

Nothing is asserted about speed; the script prints the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FORMULAS = (  # four per row: what the templates do most
    "=SUM(A{r}:D{r})",
    '=IF(A{r}="","",ROUND(A{r}*B{r}/C{r},2))',
    "=IFERROR(INDEX($B$1:$B${n},MATCH(E{r},$A$1:$A${n},0)),0)",
    "=SUMIF($D$1:$D${n},D{r},$A$1:$A${n})",
)


def build_native(path: Path, rows: int, values_only: bool = False) -> int:
    """``rows`` rows of inputs and four formulas each; with ``values_only`` the formula cells hold numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for r in range(1, rows + 1):
        inputs = [100 + r % 50, 20 + r % 7, 10 + r % 3, r % 40, 100 + (r * 7) % 50]
        cells = [f.format(r=r, n=rows) for f in FORMULAS]
        ws.append(inputs + ([1.5] * len(cells) if values_only else cells))
    wb.save(path)
    return rows * len(FORMULAS)


def _cold(args: list[str]) -> tuple[float, int]:
    """Seconds and peak resident memory (KB) of ``python -m cpxl.cli ARGS`` in a fresh process."""
    code = (
        "import resource, sys\n"
        "from cpxl.cli import app\n"
        "try:\n    app(sys.argv[1:], standalone_mode=False)\n"
        "finally:\n    sys.stderr.write('MAXRSS %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    rss = [int(line.split()[1]) for line in run.stderr.splitlines() if line.startswith("MAXRSS ")]
    return seconds, (rss[-1] if rss else 0)


def demo_calc_vs_check(repeat: int) -> dict:
    from cpxl.demo import write_demo

    with tempfile.TemporaryDirectory() as tmp:
        book = write_demo(Path(tmp))[0]
        out = Path(tmp) / "calc.xlsx"
        calc = [_cold(["calc", str(book), "-o", str(out), "--force"]) for _ in range(repeat)]
        check = [_cold(["check", str(book)]) for _ in range(repeat)]
    calc_s, check_s = min(c[0] for c in calc), min(c[0] for c in check)
    return {"calc": calc_s, "check": check_s, "ratio": calc_s / check_s, "calc_mb": max(c[1] for c in calc) / 1024}


def _soffice_convert(src: Path, outdir: Path) -> float:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    started = time.perf_counter()
    subprocess.run(
        [exe, f"-env:UserInstallation=file://{outdir}/profile", "--headless", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=600,
    )
    return time.perf_counter() - started


def native_vs_libreoffice(rows: int, repeat: int) -> dict:
    from cpxl.workbook.evaluate import calc_workbook

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        formulas, values = tmp / "formulas.xlsx", tmp / "values.xlsx"
        n = build_native(formulas, rows)
        build_native(values, rows, values_only=True)
        calc_workbook(formulas, tmp / "warm.xlsx", force=True)  # imports out of the way
        ours = []
        for _ in range(repeat):
            t = time.perf_counter()
            result = calc_workbook(formulas, tmp / "out.xlsx", force=True)
            ours.append(time.perf_counter() - t)
        out = {"formulas": n, "cpxl": min(ours), "engine": result.engine}
        if shutil.which("soffice") or shutil.which("libreoffice"):
            (tmp / "lo").mkdir()
            _soffice_convert(values, tmp / "lo")  # profile creation out of the way
            with_f = min(_soffice_convert(formulas, tmp / "lo") for _ in range(repeat))
            without = min(_soffice_convert(values, tmp / "lo") for _ in range(repeat))
            out.update(lo_total=with_f, lo_base=without, lo_net=max(with_f - without, 1e-3))
            out["ratio"] = out["cpxl"] / out["lo_net"]
    return out


def large(rows: int) -> dict:
    from cpxl.workbook.evaluate import calc_workbook

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "large.xlsx"
        n = build_native(src, rows)
        t = time.perf_counter()
        result = calc_workbook(src, tmp / "out.xlsx", force=True)
        return {"formulas": n, "seconds": time.perf_counter() - t, "engine": result.engine}


def measure(repeat: int = 3, rows: int = 500, large_rows: int = 3250) -> dict:
    return {
        "demo": demo_calc_vs_check(repeat),
        "native": native_vs_libreoffice(rows, repeat),
        "large": large(large_rows),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rows", type=int, default=500, help="rows of the native workbook (4 formulas each)")
    ap.add_argument("--large-rows", type=int, default=3250)
    args = ap.parse_args()
    m = measure(args.repeat, args.rows, args.large_rows)
    d, nat, big = m["demo"], m["native"], m["large"]
    print(f"demo: cpxl calc {d['calc']:.2f} s, cpxl check {d['check']:.2f} s, calc/check {d['ratio']:.2f}x, "
          f"calc peak {d['calc_mb']:.0f} MB")
    line = f"{nat['formulas']} native formulas: cpxl {nat['cpxl']:.3f} s ({nat['engine']})"
    if "lo_net" in nat:
        line += (f", LibreOffice {nat['lo_total']:.2f} s - {nat['lo_base']:.2f} s without formulas = "
                 f"{nat['lo_net']:.3f} s net, cpxl/LibreOffice {nat['ratio']:.2f}x")
    print(line)
    print(f"{big['formulas']} formulas: {big['seconds']:.2f} s ({big['engine']})")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
