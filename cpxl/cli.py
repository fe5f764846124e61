"""The `cpxl` command: new workbook, demo, check, calc, export — headless, for auditors and CI.

Exit codes: 0 done (no errors), 1 the workbook has errors, 2 the input cannot be read or the request is
refused (nothing written), 3 an internal error (reported in one line, nothing written).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from cpxl.console import err, guarded, out
from cpxl.errors import CpxlError
from cpxl.tables import KIND_NAMES, KINDS

app = typer.Typer(add_completion=False, no_args_is_help=True, help="清洁生产审核工作簿工具（cpxl）")


@app.command()
@guarded
def new(
    kind: str = typer.Argument(..., help="工作簿类型：audit（审核）、acceptance（验收）、park（园区）、region（区域/行业）"),
    path: Path = typer.Argument(..., help="输出的 .xlsx 路径"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件"),
    functions: str = typer.Option(
        "native",
        "--functions",
        help="计算列的公式形式：native（默认，Excel、WPS、LibreOffice 均可计算）或 cp（CP_* 函数，需 Excel 加载项）",
    ),
):
    """生成空白标准审核工作簿。"""
    from cpxl.workbook.build import FUNCTIONS, write_template

    if kind not in KINDS:
        raise CpxlError(f"未知的工作簿类型“{kind}”，可选：{'、'.join(KINDS)}")
    if functions not in FUNCTIONS:
        raise CpxlError(f"未知的公式形式“{functions}”，可选：{'、'.join(FUNCTIONS)}")
    write_template(kind, path, force=force, functions=functions)
    form = "CP_* 函数（需 Excel 加载项）" if functions == "cp" else "通用公式"
    out.print(f"已生成{KIND_NAMES[kind]}工作簿（{form}）：{escape(str(path))}")


def _print_findings(findings, as_json: bool) -> tuple[int, int]:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if as_json:
        sys.stdout.write(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=1) + "\n")
    else:
        for f in findings:
            out.print(("[red]" if f.severity == "error" else "[yellow]") + str(f).replace("[", r"\[") + "[/]")
    return errors, warnings


@app.command()
@guarded
def check(
    book: Path = typer.Argument(..., help="要检查的工作簿 .xlsx"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 列表输出：sheet、cell、severity、rule、message"),
    kind: Optional[str] = typer.Option(None, "--kind", help="工作簿类型（默认自动识别）"),
):
    """检查工作簿：缺表、表头被改、数值、合计、单位、方案编号、物料平衡等。有错误时退出码为 1。"""
    from cpxl.workbook.check import check_book
    from cpxl.workbook.read import read_workbook

    findings = check_book(read_workbook(book, kind))
    errors, warnings = _print_findings(findings, as_json)
    if not as_json:
        out.print(f"检查完成：{errors} 个错误，{warnings} 个警告。")
    raise typer.Exit(1 if errors else 0)


@app.command()
@guarded
def calc(
    book: Path = typer.Argument(..., help="输入工作簿 .xlsx（不会被修改）"),
    output: Path = typer.Option(..., "-o", "--output", help="写出带计算结果的副本"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件"),
):
    """无需 Excel 计算工作簿中全部公式（含 CP_* 函数），写出带数值的副本；公式、样式保持不变。"""
    import time

    from cpxl.workbook.evaluate import calc_workbook

    started, bar, progress = time.monotonic(), None, None
    if err.is_terminal:  # a bar only for a calculation that takes more than about a second

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                if time.monotonic() - started < 1.0 or done >= total:
                    return
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

                bar = Progress(TextColumn("计算公式"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                               console=err, transient=True)
                bar.start()
                bar.add_task("", total=total)
            bar.update(bar.task_ids[0], completed=done, total=total)

    try:
        result = calc_workbook(book, output, force=force, progress=progress)
    finally:
        if bar is not None:
            bar.stop()
    for sheet, cell, text in result.errors:
        out.print(f"[yellow]{escape(f'{sheet}!{cell} — {text}')}[/]")
    out.print(f"已计算 {result.formulas} 个公式，{len(result.errors)} 个结果为错误值；输出：{escape(str(output))}")


@app.command()
@guarded
def demo(
    directory: Path = typer.Argument(Path("cpxl-demo"), help="输出目录（默认 ./cpxl-demo）"),
    force: bool = typer.Option(True, "--force/--no-force", help="覆盖目录中上次生成的示例文件"),
):
    """生成内置示例：一家啤酒厂（审核重点：酿造车间）的完整审核工作簿，并打印检查结果。"""
    from cpxl.demo import write_demo
    from cpxl.workbook.check import check_book
    from cpxl.workbook.read import read_workbook

    paths = write_demo(directory, force=force)
    for path in paths:
        out.print(f"已生成：{escape(str(path))}")
    for path in paths:  # the demo's audit report and acceptance report beside its workbooks
        out.print(f"已生成：{escape(str(_demo_report(path, force)))}")
    book = read_workbook(paths[0])
    findings = check_book(book)
    errors, warnings = _print_findings(findings, False)
    out.print(f"示例工作簿检查：{errors} 个错误，{warnings} 个警告。")
    raise typer.Exit(1 if errors else 0)


def _demo_report(workbook: Path, force: bool) -> Path:
    from cpxl.report import export_report

    report = workbook.with_name(workbook.stem.replace("工作簿", "报告") + ".docx")
    return export_report(workbook, report, force=force).path


@app.command()
@guarded
def export(
    book: Path = typer.Argument(..., help="审核工作簿 .xlsx（不会被修改）"),
    output: Path = typer.Option(..., "-o", "--output", help="输出的 Word 报告 .docx"),
    kind: Optional[str] = typer.Option(
        None, "--kind", help="报告类型：audit（审核报告）、acceptance（验收报告）、park（园区）、region（区域/行业）；默认按工作簿类型"
    ),
    template: Optional[Path] = typer.Option(None, "--template", help="报告模板 .docx（由内置模板在 Word 中修改样式而来）"),
    pdf: bool = typer.Option(False, "--pdf", help="同时用 LibreOffice 转换为 PDF（与报告同名）"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件"),
):
    """导出 Word 报告：封面、目录、章节框架、按章编号的表格和图；数值均由输入重新计算。正文取自“章节文字”，空白章节生成数据分析并标注【待补充】。"""
    from cpxl.report import export_report

    result = export_report(book, output, kind=kind, template=template, pdf=pdf, force=force)
    out.print(f"已导出报告：{escape(str(result.path))}（{result.tables} 张表，{result.figures} 幅图）")
    if result.pdf_path:
        out.print(f"已导出 PDF：{escape(str(result.pdf_path))}")
    for message in result.messages:
        out.print(f"[yellow]{escape(message)}[/]")
    if result.pending:
        out.print(f"{len(result.pending)} 个章节尚无正文，已生成数据分析并标注【待补充】：请在“章节文字”表中填写后重新导出。")
    if result.errors or result.warnings:
        out.print(f"工作簿检查：{result.errors} 个错误，{result.warnings} 个警告（用 cpxl check 查看位置）。")


@app.command()
@guarded
def aggregate(
    paths: list[Path] = typer.Argument(..., help="企业审核工作簿 .xlsx 或其所在文件夹（递归查找，跳过 ~$ 临时文件）"),
    output: Path = typer.Option(..., "-o", "--output", help="输出的区域/行业汇总工作簿 .xlsx"),
    report: Optional[Path] = typer.Option(None, "--report", help="同时导出区域/行业审核报告 .docx"),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="并行进程数（默认为 CPU 核数；1 表示在本进程内逐本读取）"),
    force: bool = typer.Option(False, "--force", help="覆盖已存在的输出文件"),
    full_check: bool = typer.Option(False, "--full-check", help="检查每本工作簿的全部工作表（默认只检查汇总用到的工作表，较快）"),
):
    """汇总多家企业审核工作簿：企业名录、关键性指标对标、共性问题清单、方案清单及绩效、检查结果（京津冀清洁生产协同审核导则 7.2–7.4）。输入工作簿不会被修改。"""
    import contextlib

    from cpxl.aggregate import aggregate as run
    from cpxl.aggregate import export_region_report

    bar, progress = contextlib.nullcontext(), None
    if err.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("汇总"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), TextColumn("{task.description}"),
                       console=err, transient=True)
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name.replace("[", r"\["))

    with bar:
        result = run(paths, output, jobs=jobs, force=force, full_check=full_check, progress=progress, report=report)
    out.print(
        f"已汇总 {result.enterprises}/{result.workbooks} 本企业审核工作簿（{result.failed} 本无法读取，"
        f"{result.with_errors} 本有检查错误，见“R.7 检查结果”）：{output}"
    )
    for dup in result.duplicates:  # one enterprise in several workbooks: aggregated once
        others = "、".join(dup.describe(f) for f in dup.others)
        out.print(f"[yellow]重复企业（{escape(dup.key)}）：采用 {escape(dup.describe(dup.kept))}，未计入 {escape(others)}[/]")
        if dup.names:
            out.print(f"[red]{escape(dup.key)} 对应不同的企业名称：{escape('、'.join(dup.names))}[/]")
    if report:
        export_region_report(output, report, force=force)
        out.print(f"已导出区域/行业审核报告：{report}")
    raise typer.Exit(0 if result.enterprises else 1)


from cpxl.addin import addin_app  # noqa: E402 — the sub-app uses the same console and guard

app.add_typer(addin_app, name="addin", help="Excel 功能区加载项 cpxl.xlam：install 安装、remove 移除、status 查看状态")


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
