"""The fast formula engine of `cpxl calc`, as ratios measured in one run.

* the demo audit workbook: ``cpxl calc`` against ``cpxl check`` of it, each a cold process
  (interpreter start and imports included), and the peak memory of the calc process;
* 2 000 native formulas (template-like: SUM, IF/ROUND, INDEX/MATCH, SUMIF): the fast engine
  (reading values, compiling, computing; and the whole ``calc_workbook`` with the file's
  checks, parsing and writing) against LibreOffice's net recalculation (``calculateAll`` of the
  loaded document, timed inside LibreOffice by a Basic macro);
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


def build_native(path: Path, rows: int) -> int:
    """``rows`` rows of inputs and four formulas each; returns the number of formulas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for r in range(1, rows + 1):
        inputs = [100 + r % 50, 20 + r % 7, 10 + r % 3, r % 40, 100 + (r * 7) % 50]
        cells = [f.format(r=r, n=rows) for f in FORMULAS]
        ws.append(inputs + cells)
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


_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Bench(path As String, outp As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(path), &quot;_blank&quot;, 0, args())
  best = 1E9
  For i = 1 To 10
    t0 = GetSystemTicks()
    doc.calculateAll()
    t1 = GetSystemTicks()
    If t1 - t0 &lt; best Then best = t1 - t0
  Next i
  doc.close(True)
  n = FreeFile
  Open outp For Output As #n
  Print #n, best
  Close #n
  StarDesktop.terminate()
End Sub
</script:module>
"""


def libreoffice_recalc(src: Path, tmp: Path) -> float | None:
    """Seconds of LibreOffice's full recalculation (``calculateAll``, best of 10) of ``src``,
    timed inside LibreOffice by a Basic macro: start-up, loading and saving are left out."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    profile = tmp / "lo-profile"
    env = [f"-env:UserInstallation=file://{profile}", "--headless", "--invisible"]
    # a first start creates the profile (and its Standard Basic library)
    subprocess.run([exe, *env, "--convert-to", "csv", "--outdir", str(tmp / "lo-out"), str(src)],
                   capture_output=True, timeout=600)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.parent.is_dir():
        return None
    module.write_text(_MACRO, encoding="utf-8")
    result = tmp / "lo-ms.txt"
    subprocess.run([exe, *env, f'macro:///Standard.Module1.Bench("{src}","{result}")'],
                   capture_output=True, timeout=600)
    if not result.exists():
        return None
    return float(result.read_text().strip().replace(",", ".")) / 1000


def native_vs_libreoffice(rows: int, repeat: int) -> dict:
    from cpxl.workbook.engine import calc_workbook, fast

    engine_s = []
    real = fast.evaluate_fast

    def timed(*args, **kwargs):
        t = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            engine_s.append(time.perf_counter() - t)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        formulas = tmp / "formulas.xlsx"
        n = build_native(formulas, rows)
        calc_workbook(formulas, tmp / "warm.xlsx", force=True)  # imports out of the way
        ours = []
        fast.evaluate_fast = timed
        try:
            for _ in range(repeat):
                t = time.perf_counter()
                result = calc_workbook(formulas, tmp / "out.xlsx", force=True)
                ours.append(time.perf_counter() - t)
        finally:
            fast.evaluate_fast = real
        out = {"formulas": n, "cpxl": min(ours), "engine": result.engine, "cpxl_engine": min(engine_s)}
        lo = libreoffice_recalc(formulas, tmp)
        if lo is not None:
            out["lo"] = lo
            out["ratio"] = out["cpxl_engine"] / max(lo, 1e-3)
            out["ratio_total"] = out["cpxl"] / max(lo, 1e-3)
    return out


def large(rows: int) -> dict:
    from cpxl.workbook.engine import calc_workbook

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
        "native": native_vs_libreoffice(rows, max(repeat, 10)),  # best of 10 each, as LibreOffice
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
    line = (f"{nat['formulas']} native formulas: cpxl calc_workbook {nat['cpxl']:.3f} s, of which the "
            f"{nat['engine']} engine {nat['cpxl_engine']:.3f} s")
    if "lo" in nat:
        line += (f"; LibreOffice recalculation {nat['lo']:.3f} s; engine/LibreOffice {nat['ratio']:.2f}x, "
                 f"calc_workbook/LibreOffice {nat['ratio_total']:.2f}x")
    print(line)
    print(f"{big['formulas']} formulas: {big['seconds']:.2f} s ({big['engine']})")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
