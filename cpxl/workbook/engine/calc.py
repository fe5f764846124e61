"""Headless evaluation of a workbook: every native and ``CP_*`` formula, without Excel.

``calc_workbook`` computes a workbook and writes a copy whose formula cells carry the
computed values as cached values, next to the unchanged formulas. It computes with the fast
engine of :mod:`.fast` (one compiled function per formula shape); a workbook
with anything that engine does not handle is computed whole with the `formulas` package
(:mod:`.formulas_engine`), which also serves as the reference the fast engine is tested against.
Everything else in the file (styles, validations, names, links, widths, merges, conditional
formats, macros) is copied part by part, byte for byte; only the worksheets that contain
formulas are rewritten, and in them only the ``<v>`` of formula cells (and of the cells an
array formula fills).

``evaluate_values`` returns the computed values without writing anything.

The ``CP_*`` functions are the public callables of :mod:`cpxl.udfs` (the same ones the
xlwings add-in exposes in Excel; :mod:`.cp`). They receive plain Python values as xlwings would hand them over (numbers as
float, blanks as None, a row or column range as a list, a block as a list of rows) and
return a number or a text; an omitted argument (``=CP_TCE(2,"电力",,"万kWh")``) gets the
function's default, as in Excel; an Excel error in an argument is passed through
unchanged, as native functions do; an unexpected exception becomes ``#CP! <message>``.
Before computing, the workbook's ``参数`` sheet is handed to the functions
(``cpxl.udfs.use_parameters``).

Formulas written by Excel without the add-in carry a qualifier in front of the function
name (``'C:\\…\\cpxl.xlam'!CP_NPV(``, ``[1]!CP_NPV(``, ``cpxl.xlam!CP_NPV(``,
``_xludf.CP_NPV(``); ``normalize_formula`` removes it before evaluation. The written copy
keeps the formula text as it was.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cpxl import safeio
from cpxl.calc.parameters import parameters_from_rows
from cpxl.errors import CpxlError
from cpxl.workbook import xlsxio
from cpxl.workbook.xlsxio import Package, PackageError

from .cp import CP_ERROR, light_imports, udfs_module
from .scan import _col_letters, _scan_sheet, _Sheet
from .values import CellError, Unsupported
from .writer import _sheet_bytes, _workbook_bytes

log = logging.getLogger(__name__)

PARAMETER_SHEET = "参数"

PARAMETER_FIRST_ROW = 4  # header in row 3

PARAMETER_COLUMNS = 6  # 类别 | 名称 | 数值 | 单位 | 来源 | 说明


# The function table of `formulas` is process-wide; one evaluation at a time.
_LOCK = threading.RLock()


class EvaluateError(CpxlError):
    """A workbook cannot be evaluated or written; the message is for the user (Chinese)."""


@dataclass
class CalcResult:
    """Outcome of :func:`calc_workbook`.

    ``formulas``: number of formula cells given a computed value.
    ``errors``: (sheet, cell, text) of every computed cell that is an Excel error or a
    ``#CP!`` text, in sheet order then row then column.
    ``values``: (sheet, cell) -> computed value, as :func:`evaluate_values` returns.
    ``warnings``: problems that did not stop the calculation (e.g. a 参数 row skipped).
    """

    formulas: int
    errors: list[tuple[str, str, str]]
    values: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    engine: str = "formulas"  # "fast" (.fast) or "formulas" (.formulas_engine)


def _parameter_rows(path: Path) -> list[tuple] | None:
    """Rows 1… of the 参数 sheet (cached values), or None when there is no such sheet.

    Rows 1–3 (title, header) come back blank so that a row's position in the list is its
    row number in the sheet, which is what error messages about a row then name.
    """
    from cpxl.workbook.read import calamine_open

    book, handle = calamine_open(Path(path))  # a GBK-named file is handed over open
    try:
        if PARAMETER_SHEET not in book.sheet_names:
            return None
        data = book.get_sheet_by_name(PARAMETER_SHEET).to_python(skip_empty_area=False)
    finally:
        with contextlib.suppress(Exception):
            book.close()
        if handle is not None:
            handle.close()
    blank = (None,) * PARAMETER_COLUMNS
    rows = [blank] * (PARAMETER_FIRST_ROW - 1)
    for row in data[PARAMETER_FIRST_ROW - 1 :]:
        cells = tuple(None if v == "" else v for v in row[:PARAMETER_COLUMNS])
        rows.append(cells + (None,) * (PARAMETER_COLUMNS - len(cells)))
    return rows


def _bad_characters(src: Path) -> EvaluateError | None:
    """The refusal naming the cells that hold character references XML does not allow (a lone surrogate
    some programs write), in a sheet or in a shared string a cell shows; None when there are none. The
    parser's own message would name a part and a byte position, or the 参数 sheet that happened to be read first."""
    from cpxl.workbook.read import invalid_characters

    bad = invalid_characters(src)
    if not bad:
        return None
    where = "、".join(f"{sheet}!{cell}（{ref}）" for sheet, cell, ref in bad[:5]) + (" 等" if len(bad) > 5 else "")
    return EvaluateError(f"工作簿含 XML 不允许的字符引用，无法计算：{where}；请重新输入这些单元格：{src}")


@contextlib.contextmanager
def _parameters_in_force(path: Path, warnings_out: list[str]):
    """Hand the workbook's 参数 rows to the CP functions for the duration of a calculation.

    Bad rows are skipped and reported in ``warnings_out``, as the add-in does in Excel, so
    that a workbook computes the same in both.
    """
    udfs = udfs_module()
    try:
        rows = _parameter_rows(path)
    except Exception as ex:
        raise EvaluateError(f"无法读取「{PARAMETER_SHEET}」工作表：{path}（{ex}）") from None
    try:
        params = parameters_from_rows(rows or [], strict=False)  # no 参数 sheet: the defaults
    except Exception as ex:  # a bad 参数 row is the user's to fix, not a crash
        raise EvaluateError(f"「{PARAMETER_SHEET}」工作表有误（{path.name}）：{ex}") from None
    for problem in params.warnings:
        warnings_out.append(f"「{PARAMETER_SHEET}」工作表：{problem}（该行未使用）")
    udfs.use_parameters(params)
    try:
        yield
    finally:
        udfs.use_parameters(None)  # back to the default lookup for later callers


@dataclass
class _Evaluation:
    sheets: list[_Sheet]
    values: dict[tuple[str, int, int], Any]  # (sheet name, row, col)
    count: int
    warnings: list[str] = field(default_factory=list)
    engine: str = "formulas"  # which engine computed the values: "fast" or "formulas"


ENGINES = ("auto", "fast", "formulas")


def _evaluate(pkg: Package, engine: str = "auto", progress: Callable | None = None) -> _Evaluation:
    """Compute the workbook: the fast engine (:mod:`.fast`) first, the `formulas` engine
    (:mod:`.formulas_engine`) for the whole workbook when the fast one meets something it does
    not handle. ``engine`` "fast" or "formulas" forces one (tests, comparisons)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    sheets = [_scan_sheet(pkg, s.name, s.part) for s in pkg.sheets]
    if not any(s.formulas for s in sheets):
        return _Evaluation(sheets, {}, 0)
    if engine != "formulas":
        from . import fast

        notes: list[str] = []
        try:
            with _LOCK, light_imports(), _parameters_in_force(pkg.path, notes):
                values, count = fast.evaluate_fast(pkg, sheets, progress)
            return _Evaluation(sheets, values, count, notes, engine="fast")
        except Unsupported as ex:
            if engine == "fast":
                raise EvaluateError(f"快速计算引擎不支持此工作簿：{ex}") from None
            log.info("改用 formulas 引擎计算：%s", ex)
        except EvaluateError:
            raise
        except Exception as ex:  # a fault of the fast engine: the other one still computes the book
            if engine == "fast":
                raise
            log.warning("快速计算引擎出错（%s: %s），改用 formulas 引擎", type(ex).__name__, ex)
    from .formulas_engine import evaluate_formulas

    return evaluate_formulas(pkg, sheets)


def _open(src: Path) -> Package:
    from cpxl.workbook.read import preflight

    try:
        # the reader's checks first (file type, zip, sizes, merged ranges): one set of messages for every command
        preflight(Path(src), sheets=("参数",)).close()
    except CpxlError as ex:
        raise EvaluateError(str(ex)) from None
    try:
        return xlsxio.open_package(Path(src))
    except PackageError as ex:
        raise EvaluateError(str(ex)) from None


def _public_values(ev: _Evaluation) -> dict[tuple[str, str], Any]:
    order = {s.name: i for i, s in enumerate(ev.sheets)}
    keys = sorted(ev.values, key=lambda k: (order.get(k[0], 0), k[1], k[2]))
    return {(k[0], f"{_col_letters(k[2])}{k[1]}"): ev.values[(k[0], k[1], k[2])] for k in keys}


def _errors(values: dict[tuple[str, str], Any]) -> list[tuple[str, str, str]]:
    return [
        (sheet, cell, str(v))
        for (sheet, cell), v in values.items()
        if isinstance(v, CellError) or (isinstance(v, str) and v.startswith(CP_ERROR))
    ]


def _evaluate_path(src: Path, engine: str = "auto") -> _Evaluation:
    pkg = _open(src)
    try:
        try:
            return _evaluate(pkg, engine)
        except (EvaluateError, PackageError) as ex:
            raise EvaluateError(str(ex)) from None
        except Exception as ex:
            log.debug("evaluation failed", exc_info=True)
            raise EvaluateError(f"无法计算工作簿 {src}：{type(ex).__name__}: {ex}") from ex
    finally:
        pkg.close()


def evaluate_values(src: Path | str, *, engine: str = "auto") -> dict[tuple[str, str], Any]:
    """Compute every formula of ``src``; return (sheet, cell) -> value. Writes nothing.

    Only formula cells (and cells filled by array formulas) are in the result. Values are
    float/int, str, bool, or :class:`CellError` (a str such as ``"#DIV/0!"``); a CP
    function's bad-input text (``"#CP! …"``) is returned as the text it is.
    """
    return _public_values(_evaluate_path(Path(src), engine))


def calc_workbook(
    src: Path | str,
    dst: Path | str,
    *,
    force: bool = False,
    engine: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> CalcResult:
    """Evaluate ``src`` and write a copy to ``dst`` with computed values cached.

    ``src`` is never modified. ``dst`` is written atomically (a temporary file beside it,
    then renamed); an existing ``dst`` is replaced only with ``force``.
    Raises :class:`EvaluateError` with a Chinese message on any problem.
    """
    started = time.perf_counter()
    src, dst = Path(src), Path(dst)
    _check_destination(src, dst, force)
    pkg = _open(src)
    try:
        if dst.suffix.lower() != pkg.extension:
            raise EvaluateError(
                f"输出文件扩展名应为 {pkg.extension}（与输入工作簿类型一致）：{dst}"
            )
        try:
            ev = _evaluate(pkg, engine, progress)
            replace = {}
            for sheet in ev.sheets:
                data = _sheet_bytes(sheet, ev.values)
                if data is not None:
                    replace[sheet.part] = data
            wb = _workbook_bytes(pkg)
            if wb is not None:
                replace[pkg.workbook_part] = wb
            with safeio.atomic_path(dst, inputs=[src], force=force) as tmp:
                with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as out:
                    xlsxio.copy_package(pkg, out, replace)
        except (CpxlError, PackageError) as ex:  # EvaluateError; a refused target; a package part that does not parse
            raise _bad_characters(src) or (ex if isinstance(ex, EvaluateError) else EvaluateError(str(ex))) from None
        except OSError as ex:
            raise EvaluateError(f"无法写入输出文件 {dst}：{ex.strerror or ex}") from None
        except Exception as ex:
            log.debug("evaluation failed", exc_info=True)
            raise _bad_characters(src) or EvaluateError(f"无法计算工作簿 {src}：{type(ex).__name__}: {ex}") from ex
    finally:
        pkg.close()
    values = _public_values(ev)
    return CalcResult(
        formulas=ev.count,
        errors=_errors(values),
        values=values,
        seconds=time.perf_counter() - started,
        warnings=ev.warnings,
        engine=ev.engine,
    )


def _check_destination(src: Path, dst: Path, force: bool) -> None:
    # Refuse before the (slow) evaluation; checked again when the file is written.
    try:
        safeio.check_target(dst, inputs=[src], force=force)
    except CpxlError as ex:
        raise EvaluateError(str(ex)) from None
