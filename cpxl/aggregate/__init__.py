"""Regional / industry-wide aggregation of many enterprise audit workbooks (《京津冀清洁生产协同审核导则》
7.2–7.4; 《行业整体清洁生产审核指南》: same-industry enterprises audited with one method).

Every enterprise workbook is read in a worker process that returns only a small summary (roster facts,
key indicators, problems, options, option performance, check findings); the summaries are folded into
the region workbook as they arrive, so memory does not grow with the size of the workbooks:

* R.1 roster; R.2 each enterprise's key indicators of the base year (7.2.6): 新鲜水, 综合能耗 (GB/T 2589),
  CO₂ (DB4101/T 61 表E.4 注b), 废水 and 主要污染物 (表D.18, 表D.20, else 表D.23) with output and value;
* R.3 benchmarking (7.2.2–7.2.6): the statistics are formulas over R.2; the differences between
  jurisdictions are written as text; each enterprise's rank, quartile and gap to the advanced value
  (best quartile) and the per-jurisdiction figures go to two added sheets;
* R.4 common problem list (7.4.1) from 表D.25, D.27, D.28, grouped by the eight aspects of DB11/T 1156
  附录A and counted across enterprises; R.5 option list (7.4.2) from 表D.30 / D.34 / D.38, similar
  names grouped; R.6 option performance (7.4.3); R.7 the workbooks that failed checks or could not be read.

No input is ever written: workbooks are opened for reading only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cpxl.calc.benchmark import Benchmark, benchmark, quartile_group, ranks
from cpxl.errors import CpxlError

from .extract import (
    AGGREGATED_TABLES,
    key_indicators,
    options,
    parse_benefit,
    performance,
    pollutant_key,
    problems,
    read_enterprise,
    states_a_cause,
    summarize,
)
from .fold import Aggregator
from .grouping import (
    Duplicate,
    duplicate_findings,
    find_duplicates,
    normalize_name,
    region_category,
)
from .pool import _worker_init, find_workbooks, iter_summaries, modified  # noqa: F401 (_worker_init: tests)
from .write import DETAIL_SHEET, DISTRICT_SHEET, add_benchmark_sheets, region_data

__all__ = [
    "AGGREGATED_TABLES",
    "DETAIL_SHEET",
    "DISTRICT_SHEET",
    "AggregateResult",
    "Aggregator",
    "Benchmark",
    "Duplicate",
    "aggregate",
    "benchmark",
    "find_duplicates",
    "find_workbooks",
    "key_indicators",
    "normalize_name",
    "options",
    "parse_benefit",
    "performance",
    "pollutant_key",
    "problems",
    "quartile_group",
    "ranks",
    "read_enterprise",
    "region_category",
    "region_data",
    "states_a_cause",
    "summarize",
]

_FACT_KEYS = ("file", "company", "company_given", "credit_code", "base_year")  # what find_duplicates compares


@dataclass
class AggregateResult:
    output: Path
    workbooks: int  # found
    enterprises: int  # aggregated
    failed: int  # could not be read
    with_errors: int  # aggregated, with check errors
    report: Path | None = None
    duplicates: list = field(default_factory=list)  # Duplicate groups: workbooks of one enterprise, one aggregated


def aggregate(paths: Sequence[Path], output: Path, *, jobs: int | None = None, force: bool = False, full_check: bool = False,
              progress: Callable[[int, int, str], None] | None = None, report: Path | None = None,
              extra: dict | None = None) -> AggregateResult:
    """Aggregate enterprise workbooks into the region workbook ``output`` (kind "region", written
    atomically). ``full_check`` checks every table of each workbook, not only those aggregated.
    ``extra``: build data the organiser knows (封面信息 fields merged over the derived ones, 章节文字).

    Each enterprise is aggregated once (:func:`find_duplicates`); the summaries wait in an unnamed
    temporary file (gone with the process, however it ends) until all are read."""
    import pickle
    import tempfile

    from cpxl.safeio import check_target
    from cpxl.workbook.build import build_workbook, save_computed

    output = Path(output)
    outputs = [output] + ([Path(report)] if report else [])
    items = find_workbooks(paths, exclude=outputs)
    if not items:
        raise CpxlError("没有找到企业审核工作簿（.xlsx）：" + "、".join(str(p) for p in paths))
    for target in outputs:  # refuse before hours of work, not after
        check_target(target, inputs=[p for p, _ in items], force=force)
    agg = Aggregator()
    with tempfile.TemporaryFile(prefix="cpxl-aggregate-") as spool:
        offsets: list[int] = []
        facts: list[dict] = []
        for done, summary in enumerate(iter_summaries(items, jobs=jobs, full=full_check), start=1):
            offsets.append(spool.tell())
            pickle.dump(summary, spool, protocol=pickle.HIGHEST_PROTOCOL)
            facts.append({**{k: summary.get(k) for k in _FACT_KEYS}, "mtime": modified(items[done - 1][0])} if summary.get("ok") else None)
            if progress:
                progress(done, len(items), summary["file"])
        ok = [i for i, f in enumerate(facts) if f is not None]
        skip_ok, dups = find_duplicates([facts[i] for i in ok])
        skip = {ok[j] for j in skip_ok}
        for i, offset in enumerate(offsets):
            if i in skip:
                continue
            spool.seek(offset)
            agg.add(pickle.load(spool))
    agg.findings.extend(duplicate_findings(dups))
    if progress:
        progress(len(items), len(items), "正在写出汇总工作簿…")
    data, bench = region_data(agg)
    for key, value in (extra or {}).items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    wb = build_workbook("region", data)
    add_benchmark_sheets(wb, agg, bench)
    save_computed(wb, output, force=force)
    return AggregateResult(output, len(items), agg.enterprises, agg.failed, agg.with_errors, duplicates=dups)


def export_region_report(book: Path, out: Path, *, force: bool = False) -> Path:
    """The region report (附录A frame) from the region workbook, through cpxl.report when installed."""
    try:
        from cpxl.report.export import export_report
    except ImportError:
        raise CpxlError(f"区域/行业审核报告导出功能尚不可用（缺少报告模块），未生成 {out}；汇总工作簿已写出：{book}") from None
    import inspect

    accepts_force = "force" in inspect.signature(export_report).parameters
    result = export_report(book, out, kind="region", **({"force": force} if accepts_force else {}))
    return Path(result) if isinstance(result, (str, Path)) else Path(out)
