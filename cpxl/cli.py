"""The `cpxl` command: new workbook, demo, check, calc, export, aggregate, ui — headless, for auditors and CI.

Exit codes, the same in every command: 0 done, the workbook is clean; 1 the output was written (or the check
ran) but the workbook has errors (aggregate: some workbooks could not be read); 2 refused — the input cannot be
read or an output is not acceptable — nothing written; 3 an internal error (one line, nothing written).
Every output is validated before any work (cpxl/preflight.py).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from cpxl import preflight
from cpxl.console import err, guarded, localize_help, out, step, warn
from cpxl.errors import CpxlError
from cpxl.tables import KINDS

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode="rich",
                  context_settings={"max_content_width": 120},
                  help="清洁生产审核工作簿工具（cpxl）。退出码：0 无错误；1 已写出输出但工作簿有错误；2 拒绝执行，未写入任何文件；3 内部错误。")


def _input(book: Path) -> Path:
    """The input workbook, refused when missing (before any heavy import); a warning when it is open in Excel/WPS."""
    preflight.need_input(book)
    message = preflight.open_input_warning(book)
    if message:
        warn(message)
    return book


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
    preflight.need_output(path, (".xlsx",), force=force)
    write_template(kind, path, force=force, functions=functions)
    form = "CP_* 函数（需 Excel 加载项）" if functions == "cp" else "通用公式"
    out.print(f"已生成{KINDS[kind].name}工作簿（{form}）：{escape(str(path))}")


def _print_findings(findings, as_json: bool) -> tuple[int, int]:
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if as_json:
        sys.stdout.write(json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=1) + "\n")
    else:
        for f in findings:
            out.print(("[red]" if f.severity == "error" else "[yellow]") + str(f).replace("[", r"\[") + "[/]")
    return errors, warnings


# ---- messages, shared with the local page (cpxl ui) ----------------------------------------------------


def calc_lines(result, output: Path) -> list[tuple[str, str]]:
    lines = [("warning", f"{sheet}!{cell} — {text}") for sheet, cell, text in result.errors]
    lines.append(("info", f"已计算 {result.formulas} 个公式，{len(result.errors)} 个结果为错误值；输出：{output}"))
    return lines


def export_lines(result) -> list[tuple[str, str]]:
    lines = [("info", f"已导出报告：{result.path}（{result.tables} 张表，{result.figures} 幅图）")]
    if result.pdf_path:
        lines.append(("info", f"已导出 PDF：{result.pdf_path}"))
    lines += [("warning", message) for message in result.messages]
    if result.pending:
        lines.append(("info", f"{len(result.pending)} 个章节尚无正文，已生成数据分析并标注【待补充】：请在“章节文字”表中填写后重新导出。"))
    if result.errors or result.warnings:
        lines.append(("error" if result.errors else "warning",
                      f"工作簿检查：{result.errors} 个错误，{result.warnings} 个警告（用 cpxl check 查看位置）。"))
    return lines


def aggregate_lines(result, output: Path) -> list[tuple[str, str]]:
    lines = [("error" if result.failed or not result.enterprises else "info",
              f"已汇总 {result.enterprises}/{result.workbooks} 本企业审核工作簿（{result.failed} 本无法读取，"
              f"{result.with_errors} 本有检查错误，见“R.7 检查结果”）：{output}")]
    for dup in result.duplicates:  # one enterprise in several workbooks: aggregated once
        others = "、".join(dup.describe(f) for f in dup.others)
        lines.append(("warning", f"重复企业（{dup.key}）：采用 {dup.describe(dup.kept)}，未计入 {others}"))
        if dup.names:
            lines.append(("error", f"{dup.key} 对应不同的企业名称：{'、'.join(dup.names)}"))
    return lines


def region_report_line(report: Path) -> str:
    return f"已导出区域/行业审核报告：{report}"


def _print_lines(lines) -> None:
    for level, text in lines:
        out.print({"warning": "[yellow]", "error": "[red]"}.get(level, "") + escape(text) + ("[/]" if level != "info" else ""))


@app.command()
@guarded
def check(
    book: Path = typer.Argument(..., help="要检查的工作簿 .xlsx"),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 列表输出：sheet、cell、severity、rule、message"),
    kind: Optional[str] = typer.Option(None, "--kind", help="工作簿类型（默认自动识别）"),
):
    """检查工作簿：缺表、表头被改、数值、合计、单位、方案编号、物料平衡等。有错误时退出码为 1。"""
    _input(book)
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
    """无需 Excel 计算工作簿中全部公式（含 CP_* 函数），写出带数值的副本；公式、样式保持不变。有公式结果为错误值时退出码为 1。"""
    import time

    _input(book)
    suffix = book.suffix.lower()
    preflight.need_output(output, (suffix,) if suffix in preflight.WORKBOOK_SUFFIXES else preflight.WORKBOOK_SUFFIXES,
                          inputs=[book], force=force)
    with step("正在读取工作簿…"):
        from cpxl.workbook.engine import calc_workbook

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
        with step("正在计算公式…"):
            result = calc_workbook(book, output, force=force, progress=progress)
    finally:
        if bar is not None:
            bar.stop()
    _print_lines(calc_lines(result, output))
    raise typer.Exit(1 if result.errors else 0)


@app.command()
@guarded
def demo(
    directory: Path = typer.Argument(Path("cpxl-demo"), help="输出目录（默认 ./cpxl-demo）"),
    force: bool = typer.Option(True, "--force/--no-force",
                               help="覆盖目录中上次生成的示例文件（默认；只覆盖示例自己的文件，目录中其他文件不动）"),
):
    """生成内置示例：啤酒厂（审核重点：酿造车间）的审核和验收工作簿、化工园区的园区工作簿、24 家啤酒企业汇总的区域工作簿，各附报告，并打印检查结果。再次运行时覆盖上次生成的示例文件。"""
    from cpxl.demo import ACCEPTANCE_FILE, AUDIT_FILE

    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise CpxlError(f"输出目录是一个文件：{directory}")
    workbooks = [directory / AUDIT_FILE, directory / ACCEPTANCE_FILE]
    reports = [_demo_report_path(p) for p in workbooks]
    for target in workbooks + reports:
        preflight.need_output(target, (target.suffix,), force=force)
    with step("正在生成示例工作簿…"):
        from cpxl.demo import write_demo

        paths = write_demo(directory, force=force)
    for path in paths:
        out.print(f"已生成：{escape(str(path))}")
    for path in paths:  # the demo's audit report and acceptance report beside its workbooks
        with step(f"正在导出示例报告：{path.name}…"):
            report = _demo_report(path, force)
        out.print(f"已生成：{escape(str(report))}")
    with step("正在检查示例工作簿…"):
        from cpxl.workbook.check import check_book
        from cpxl.workbook.read import read_workbook

        findings = check_book(read_workbook(paths[0]))
    errors, warnings = _print_findings(findings, False)
    out.print(f"示例工作簿检查：{errors} 个错误，{warnings} 个警告。")
    raise typer.Exit(1 if errors else 0)


def _demo_report_path(workbook: Path) -> Path:
    return workbook.with_name(workbook.stem.replace("工作簿", "报告") + ".docx")


def _demo_report(workbook: Path, force: bool) -> Path:
    from cpxl.report import export_report

    return export_report(workbook, _demo_report_path(workbook), force=force).path


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
    """导出 Word 报告：封面、目录、章节框架、按章编号的表格和图；数值均由输入重新计算。正文取自“章节文字”，空白章节生成数据分析并标注【待补充】。工作簿有错误时照常写出报告，退出码为 1。"""
    _input(book)
    preflight.need_output(output, (".docx",), inputs=[book], force=force, what="报告文件")
    if pdf:
        preflight.need_output(output.with_suffix(".pdf"), (".pdf",), inputs=[book], force=force, what="PDF 文件")
    if template is not None and not os.path.lexists(template):  # a FIFO or device: export says what it is
        raise CpxlError(f"找不到报告模板：{template}")
    with step("正在导出报告并转换 PDF…" if pdf else "正在导出报告…"):
        from cpxl.report import export_report

        result = export_report(book, output, kind=kind, template=template, pdf=pdf, force=force)
    _print_lines(export_lines(result))
    raise typer.Exit(1 if result.errors else 0)


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
    """汇总多家企业审核工作簿：企业名录、关键性指标对标、共性问题清单、方案清单及绩效、检查结果（京津冀清洁生产协同审核导则 7.2–7.4）。输入工作簿不会被修改。有工作簿无法读取时退出码为 1。"""
    import contextlib

    paths = preflight.need_paths(paths)
    for p in paths:
        message = preflight.open_input_warning(p) if p.is_file() else None
        if message:
            warn(message)
    preflight.need_output(output, (".xlsx",), inputs=[p for p in paths if p.is_file()], force=force, what="汇总工作簿")
    if report:
        preflight.need_output(report, (".docx",), inputs=[p for p in paths if p.is_file()], force=force, what="区域报告")
        preflight.need_distinct([output, report])
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
    _print_lines(aggregate_lines(result, output))
    if report:
        with step("正在导出区域/行业审核报告…"):
            export_region_report(output, report, force=force)
        _print_lines([("info", region_report_line(report))])
    raise typer.Exit(0 if result.enterprises and not result.failed else 1)


from cpxl.addin import addin_app  # noqa: E402 — the sub-app uses the same console and guard

app.add_typer(addin_app, name="addin", help="Excel 功能区加载项 cpxl.xlam：install 安装、remove 移除、status 查看状态")


@app.command()
@guarded
def ui(
    port: int = typer.Option(0, "--port", min=0, max=65535, help="端口（默认自动选择一个空闲端口）"),
    no_browser: bool = typer.Option(False, "--no-browser", help="不自动打开浏览器，只打印页面地址"),
):
    """在浏览器中使用 cpxl：选择或拖入工作簿，查看检查结果，计算、导出报告、区域汇总并下载结果。只在本机（127.0.0.1）提供服务，按 Ctrl+C 结束。"""
    try:
        from cpxl.ui.server import serve
    except ImportError as exc:
        raise CpxlError(f"本地页面所需的组件未安装（{exc.name}）：请运行 pip install -e . 重新安装 cpxl") from None
    serve(port=port, open_browser=not no_browser)


localize_help(app)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
