"""What the ribbon button 「清洁生产审核 › 报告 › 导出报告」 runs, inside Excel.

The add-in's VBA runs ``import cpxl; cpxl.main()`` in a separate Python process (xlwings RunPython).
:func:`main` finds the workbook the user clicked in, checks it, exports the report beside it and reports
back in an Excel message box. It reads the saved file and never modifies the workbook.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from cpxl.errors import CpxlError
from cpxl.tables import KINDS

TITLE = "清洁生产审核"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class Outcome:
    """What one export produced, for the message box."""

    report: Path
    title: str = "审核报告"
    pdf: Path | None = None
    errors: int = 0
    warnings: int = 0
    first_error: str | None = None
    workbook: Path | None = None

    def message(self) -> str:
        lines = [f"已生成{self.title}：", str(self.report)]
        if self.pdf:
            lines.append(f"PDF：{self.pdf}")
        lines += ["", f"工作簿检查：{self.errors} 个错误，{self.warnings} 个警告。"]
        if self.first_error:
            text = self.first_error
            lines.append(f"首个错误：{text if len(text) <= 200 else text[:199] + '…'}")
        if self.errors or self.warnings:
            name = self.workbook.name if self.workbook else "工作簿.xlsx"
            lines.append(f"逐条查看：在命令行运行 cpxl check \"{name}\"")
        return "\n".join(lines)


def report_path(book: Path, kind: str) -> Path:
    """`<workbook stem>-审核报告.docx` (named for the report kind) beside the workbook."""
    return book.with_name(f"{book.stem}-{KINDS[kind].report_name}.docx")


def saved_path(fullname: str) -> Path:
    """The workbook's file, or a Chinese error when it has none that cpxl can read."""
    text = str(fullname or "")
    if "://" in text:
        raise CpxlError("工作簿保存在 OneDrive/SharePoint 网址上，cpxl 无法读取：请先“另存为”到本机文件夹，再点「导出报告」。")
    path = Path(text)
    if not path.is_absolute() or not path.is_file():
        raise CpxlError("请先将工作簿保存为 .xlsx 文件（Ctrl+S），再点「导出报告」。")
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise CpxlError(f"「导出报告」需要 .xlsx 工作簿，当前文件是 {path.suffix or '无扩展名'}：请另存为 .xlsx 后再试。")
    return path


def _count(value) -> int:
    if value is None:
        return 0
    return value if isinstance(value, int) else len(value)


def export_for(path: Path) -> Outcome:
    """Check the saved workbook at `path` and export its report beside it.

    No headless recompute here: Excel has just computed the workbook, the check flags error values in
    number cells, and the exporter recomputes every figure from the inputs with `cpxl.calc` — running
    the evaluator as well would only make the button slower.
    """
    from cpxl.report.export import export_report
    from cpxl.workbook.check import check_book
    from cpxl.workbook.read import read_workbook

    book = read_workbook(path)
    findings = check_book(book)
    errors = [f for f in findings if f.severity == "error"]
    target = report_path(path, book.kind)
    if target.resolve() == path.resolve():  # cannot happen with a .docx name; never risk the workbook
        raise CpxlError(f"报告路径与工作簿相同：{path}")
    outcome = Outcome(report=target, title=KINDS[book.kind].report_name,
                      errors=len(errors), warnings=len(findings) - len(errors), workbook=path)
    if errors:
        outcome.first_error = str(errors[0])
    result = export_report(path, target, kind=None, template=None, pdf=False, force=True)
    outcome.report = Path(getattr(result, "path", None) or target)
    outcome.pdf = getattr(result, "pdf_path", None)
    # the exporter's own counts, when it gives them, are the final word
    if getattr(result, "errors", None) is not None:
        outcome.errors = _count(result.errors)
    if getattr(result, "warnings", None) is not None:
        outcome.warnings = _count(result.warnings)
    return outcome


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def error_message(exc: BaseException) -> str:
    """One Chinese line for the message box; never a traceback."""
    if isinstance(exc, CpxlError):
        text = _one_line(exc)
    elif isinstance(exc, PermissionError):
        text = f"无法写入 {exc.filename or '报告文件'}：文件可能正在 Word 中打开，请关闭后重试。"
    elif isinstance(exc, OSError):
        text = f"文件读写失败（{exc.filename or ''}）：{exc.strerror or _one_line(exc)}"
    elif isinstance(exc, ImportError):
        text = f"cpxl 安装不完整（缺少 {exc.name or _one_line(exc)}）：请重新安装 cpxl 后重试。"
    else:
        text = f"内部错误（{type(exc).__name__}：{_one_line(exc)}）。工作簿未被修改；请将工作簿与此信息反馈给开发者。"
    return f"未能导出报告：{text}"


def _unsaved(book) -> bool:
    """True when Excel says the workbook has changes not yet saved (Windows; unknown elsewhere)."""
    try:
        return book.api.Saved is False
    except Exception:  # noqa: BLE001 — no such property on this platform
        return False


def _status(app, text) -> None:
    try:
        app.status_bar = text
    except Exception:  # noqa: BLE001 — cosmetic
        pass


NO_WORKBOOK = "没有打开的工作簿：请先打开审核工作簿，再点「导出报告」。"


def _argv_value(name: str, argv: list[str] | None = None) -> str | None:
    """The value of ``--name=value`` among the arguments xlwings' RunPython passes (``--wb``, ``--hwnd``)."""
    prefix = f"--{name}="
    for arg in sys.argv if argv is None else argv:
        if arg.startswith(prefix):
            return arg[len(prefix):].strip().strip('"') or None
    return None


def _calling_app():
    """The Excel that ran the button, when there is no workbook to reach it through."""
    import xlwings as xw

    hwnd = _argv_value("hwnd")
    if hwnd and hwnd.isdigit() and sys.platform.startswith("win"):
        import xlwings._xlwindows as xlwindows

        return xw.App(impl=xlwindows.App(xl=int(hwnd)))
    return xw.apps.active


def _no_workbook() -> None:
    """No workbook to export: say so in an Excel message box; failing that, on stderr with a non-zero exit,
    which xlwings shows in its own message box."""
    try:
        app = _calling_app()
        if app is None:
            raise LookupError("no Excel")
        app.alert(NO_WORKBOOK, title=TITLE, mode="info")
    except Exception:  # noqa: BLE001 — the message must reach the user some way
        raise SystemExit(NO_WORKBOOK) from None


def main() -> None:
    """The ribbon button: check the calling workbook and export its report beside it."""
    import xlwings as xw

    try:
        book = xw.Book.caller() if _argv_value("wb") or not _argv_value("from_xl") else None
    except Exception:  # noqa: BLE001 — the workbook closed meanwhile, or none was active
        book = None
    if book is None:
        _no_workbook()
        return
    app = book.app
    try:
        if _unsaved(book):
            raise CpxlError("工作簿有未保存的修改：报告按已保存的文件生成，请先保存（Ctrl+S）再点「导出报告」。")
        path = saved_path(book.fullname)
        _status(app, "清洁生产审核：正在检查工作簿并生成报告……")
        outcome = export_for(path)
    except Exception as exc:  # noqa: BLE001 — the user sees one line in Excel
        _status(app, False)
        app.alert(error_message(exc), title=TITLE, mode="critical")
        return
    _status(app, False)
    app.alert(outcome.message(), title=TITLE, mode="info")
