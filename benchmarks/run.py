"""All benchmarks in one run, one table of ratios: read, headless calc, report export, aggregation.

Each row compares two timings taken in this same run on this machine, so the ratio holds even when the
machine is slower or busier than usual; the seconds are printed for context. The measurements come from
the single benchmarks (bench_read, bench_calc, bench_fastcalc, bench_export, bench_aggregate): their ``measure()`` where
they have one, else their own building blocks.

    python benchmarks/run.py            # the full run (a few minutes)
    python benchmarks/run.py --quick    # fewer repeats, smaller inputs
    python benchmarks/run.py --readme   # also write the table into benchmarks/README.md, "Latest results"
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

README = HERE / "README.md"
SECTION = "## Latest results"


@dataclass
class Row:
    name: str
    a_label: str
    a: float
    b_label: str
    b: float
    ratio_label: str
    ratio: float
    goal: str
    note: str = ""


def read_row(repeat: int) -> Row:
    import bench_read

    m = bench_read.measure(repeat)
    return Row("read demo audit workbook", "cpxl read_workbook", m["cpxl"], "openpyxl read-only", m["openpyxl"],
               "openpyxl / cpxl", m["ratio"], ">= 5x")


def calc_row(rows: int, repeat: int) -> Row:
    import bench_calc

    if hasattr(bench_calc, "measure"):
        m = bench_calc.measure(rows=rows, repeat=repeat)
        t_cp, t_native, n = m["cp"], m["native"], m.get("cells", rows)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            cp, native = tmp / "cp.xlsx", tmp / "native.xlsx"
            bench_calc.build(cp, rows, "=CP_NPV(A{r},B{r},C{r},D{r})")
            bench_calc.build(native, rows, "=SUM(A{r}:D{r})")
            bench_calc.timed(native, tmp / "warm.xlsx", 1)  # imports and first-call costs
            t_native, n = bench_calc.timed(native, tmp / "native_out.xlsx", repeat)
            t_cp, _ = bench_calc.timed(cp, tmp / "cp_out.xlsx", repeat)
    return Row(f"headless calc, {n} formula cells", "=CP_NPV(…)", t_cp, "=SUM(…)", t_native, "CP_NPV / SUM",
               t_cp / t_native, "—", f"{t_cp / n * 1e3:.2f} ms per CP_NPV cell")


def fastcalc_rows(repeat: int) -> list[Row]:
    import bench_fastcalc

    m = bench_fastcalc.measure(repeat=repeat)
    d, nat, big = m["demo"], m["native"], m["large"]
    rows = [Row("calc demo audit workbook (cold processes)", "cpxl calc", d["calc"], "cpxl check", d["check"],
                "calc / check", d["ratio"], "<= 3x", f"calc peak memory {d['calc_mb']:.0f} MB (goal <= 150 MB)")]
    if "lo" in nat:
        rows.append(Row(f"calc {nat['formulas']} native formulas", f"{nat['engine']} engine", nat["cpxl_engine"],
                        "LibreOffice recalculation", nat["lo"], "engine / LibreOffice", nat["ratio"], "<= 5x",
                        f"whole calc_workbook {nat['cpxl']:.3f} s ({nat['ratio_total']:.1f}x)"))
    rows.append(Row(f"calc {big['formulas']} formulas", "calc_workbook", big["seconds"], "one minute", 60.0,
                    "share of a minute", big["seconds"] / 60.0, "well under 1", f"{big['engine']} engine"))
    return rows


def export_row(repeat: int) -> Row:
    import bench_export

    if hasattr(bench_export, "measure"):
        m = bench_export.measure(repeat=repeat)
        export_s, floor_s = m["export"], m["floor"]
        note = m.get("note", "")
    else:
        from cpxl.demo import write_demo
        from cpxl.report import export_report

        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            book = write_demo(tmp)[0]
            export_report(book, tmp / "warm.docx", force=True)  # imports, font cache
            result = export_report(book, tmp / "report.docx", force=True)
            export_s = bench_export.best_of(lambda: export_report(book, tmp / "report.docx", force=True), repeat)
            floor_s = bench_export.best_of(lambda: bench_export.floor(book, tmp / "empty.docx"), repeat)
        note = f"{result.tables} tables, {result.figures} figures"
    return Row("export demo audit report", "full report", export_s, "read + empty .docx", floor_s, "report / floor",
               export_s / floor_s, "report <= 3 s", note)


def aggregate_row(n: int, repeat: int) -> Row:
    import bench_aggregate
    from make_workbooks import make_workbooks

    with tempfile.TemporaryDirectory() as tmp:
        make_workbooks(n, Path(tmp), seed=1, base="demo")
        best = {}
        for jobs in (1, 2):
            runs = [bench_aggregate.measure(n, jobs, Path(tmp)) for _ in range(repeat)]
            best[jobs] = min(runs, key=lambda r: r["total"])
    one, two = best[1]["total"], best[2]["total"]
    cpu = best[2]["cpu"] / n * 1e3  # CPU time of the whole 2-process run (parent and workers) per workbook
    note = f"{two / n * 1e3:.0f} ms per workbook with 2 processes, CPU {cpu:.0f} ms per workbook (goal <= 40)"
    if "free" in best[2]:  # bench_aggregate's probe: speed-up of a pure-Python loop on 2 processes just after
        note += f"; free-core probe {best[2]['free']:.2f} (2.0 = both cores free)"
    return Row(f"aggregate {n} workbooks", "1 process", one, "2 processes", two, "speed-up 1 -> 2", one / two, ">= 1.7x", note)


def table(rows: list[Row], markdown: bool) -> str:
    head = ("benchmark", "A", "A s", "B", "B s", "ratio of", "ratio", "goal", "note")
    body = [(r.name, r.a_label, f"{r.a:.3f}", r.b_label, f"{r.b:.3f}", r.ratio_label, f"{r.ratio:.2f}x", r.goal, r.note)
            for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return "\n".join(lines)
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(len(head))]
    fmt = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt(head), fmt(["-" * w for w in widths]), *map(fmt, body)])


def environment() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{dt.date.today().isoformat()}, Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {load:.1f} after the run")


def write_readme(text: str) -> None:
    """Replace (or add) this script's section of benchmarks/README.md; other sections are left as they are."""
    old = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    lines = old.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == SECTION), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        new = "\n".join(lines[:start] + text.splitlines() + ([""] + lines[end:] if end < len(lines) else [])) + "\n"
    README.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and smaller inputs")
    ap.add_argument("--readme", action="store_true", help=f"write the table into {README.name}, section “{SECTION[3:]}”")
    ap.add_argument("--only", nargs="+", choices=("read", "calc", "fastcalc", "export", "aggregate"), help="run only these rows")
    args = ap.parse_args(argv)
    quick = args.quick
    steps = {
        "read": lambda: read_row(3 if quick else 7),
        "calc": lambda: calc_row(500 if quick else 2000, 1 if quick else 3),
        "fastcalc": lambda: fastcalc_rows(1 if quick else 3),
        "export": lambda: export_row(1 if quick else 3),
        "aggregate": lambda: aggregate_row(30 if quick else 100, 1 if quick else 3),
    }
    rows = []
    started = time.perf_counter()
    for name, step in steps.items():
        if args.only and name not in args.only:
            continue
        t = time.perf_counter()
        got = step()
        rows.extend(got if isinstance(got, list) else [got])
        print(f"[{name}: {time.perf_counter() - t:.0f} s]", file=sys.stderr)
    env = environment()
    print(table(rows, markdown=False))
    print(f"\n{env}; whole run {time.perf_counter() - started:.0f} s")
    if args.readme:
        cmd = "python benchmarks/run.py" + (" --quick" if quick else "")
        write_readme(
            f"{SECTION}\n\nMeasured with `{cmd}` ({env}). Each ratio compares two timings taken in the same run; "
            "seconds are best of the repeats. A load average above the CPU count means other work shared the "
            "machine: the ratios hold better than the seconds, except the aggregation speed-up, which needs two "
            "free cores.\n\n" + table(rows, markdown=True)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
