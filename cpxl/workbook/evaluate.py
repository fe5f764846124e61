"""Headless evaluation of a workbook: every native and ``CP_*`` formula, without Excel.

``calc_workbook`` computes a workbook and writes a copy whose formula cells carry the
computed values as cached values, next to the unchanged formulas. It computes with the fast
engine of :mod:`cpxl.workbook.fastcalc` (one compiled function per formula shape); a workbook
with anything that engine does not handle is computed whole with the `formulas` package
(this module), which also serves as the reference the fast engine is tested against.
Everything else in the file (styles, validations, names, links, widths, merges, conditional
formats, macros) is copied part by part, byte for byte; only the worksheets that contain
formulas are rewritten, and in them only the ``<v>`` of formula cells (and of the cells an
array formula fills).

``evaluate_values`` returns the computed values without writing anything.

The ``CP_*`` functions are the public callables of :mod:`cpxl.udfs` (the same ones the
xlwings add-in exposes in Excel), registered under their names in `formulas`' function
table. They receive plain Python values as xlwings would hand them over (numbers as
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
import datetime as dt
import decimal
import functools
import graphlib
import importlib
import inspect
import logging
import math
import re
import threading
import time
import types
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from lxml import etree

from cpxl import safeio
from cpxl.errors import CpxlError
from cpxl.workbook import xlsxio
from cpxl.workbook.xlsxio import NS_MAIN, Package, PackageError

log = logging.getLogger(__name__)

CP_PREFIX = "CP_"
CP_ERROR = "#CP!"
EXCEL_MAX_TEXT = 32767
CIRCULAR = "#CIRC!"  # reported, never written: Excel has no such error value
# Error values a cell may cache (ST_CellType "e"); anything else would need a repair.
XML_ERRORS = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA")
)
PARAMETER_SHEET = "参数"
PARAMETER_FIRST_ROW = 4  # header in row 3
PARAMETER_COLUMNS = 6  # 类别 | 名称 | 数值 | 单位 | 来源 | 说明

# The function table of `formulas` is process-wide; one evaluation at a time.
_LOCK = threading.RLock()
_REGISTERED: set[str] = set()


class EvaluateError(CpxlError):
    """A workbook cannot be evaluated or written; the message is for the user (Chinese)."""


class CellError(str):
    """An Excel error value such as ``#DIV/0!`` (a str, so it prints as Excel shows it)."""

    __slots__ = ()


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
    engine: str = "formulas"  # "fast" (cpxl.workbook.fastcalc) or "formulas"


# --------------------------------------------------------------------------------------
# Formula text
# --------------------------------------------------------------------------------------

_FORMULA_TOKENS = re.compile(
    r"""
      (?P<string>"(?:[^"]|"")*")                  # string literal: left alone
    | (?P<qualifier>
          (?:
              '(?:[^']|'')+'!                     # 'C:\…\cpxl.xlam'!
            | (?<![\w.\]'])\[\d+\]!               # [1]!  (externalLink index)
            | (?<![\w.\]'])[^\s'"!(),;=+\-*/&^<>{}%]+!   # cpxl.xlam!
          )?
          (?:_xl(?:fn|udf|ws)\.)*                 # _xludf. / _xlfn. prefixes
      )
      (?<!\w)(?P<name>CP_\w+)(?=\s*\()               # not the tail of MYCP_X(
    | (?P<quoted>'(?:[^']|'')*')(?P<bang>!?)       # a quoted sheet reference
    """,
    re.IGNORECASE | re.VERBOSE,
)


def normalize_formula(text: str, sheet_aliases: dict[str, str] | None = None) -> str:
    """Formula text `formulas` can evaluate: qualifiers before ``CP_`` names removed.

    ``'C:\\Users\\x\\…\\cpxl.xlam'!CP_NPV(…)``, ``[1]!CP_NPV(…)``, ``cpxl.xlam!CP_NPV(…)``
    and ``_xludf.CP_NPV(…)`` all become ``CP_NPV(…)``; text inside string literals is never
    touched. ``sheet_aliases`` (upper-cased sheet name -> alias) renames quoted sheet
    references, for sheet names the evaluator cannot parse.
    """
    aliases = sheet_aliases or {}

    def repl(m: re.Match) -> str:
        if m.group("name"):
            return m.group("name").upper()
        if m.group("quoted") and m.group("bang") and aliases:
            name = m.group("quoted")[1:-1].replace("''", "'")
            alias = aliases.get(name.upper())
            if alias is not None:
                return "'" + alias.replace("'", "''") + "'!"
        return m.group(0)

    if "CP_" not in text.upper() and not aliases:
        return text
    return _FORMULA_TOKENS.sub(repl, text)


# An omitted CP_ argument (=CP_TCE(2,"电力",,"万kWh")) evaluates to 0 in `formulas`; Excel
# hands the function its default instead. The evaluated copy carries this literal there.
OMITTED = "\u2039cpxl:omitted\u203a"
_OMITTED_LITERAL = f'"{OMITTED}"'
_CP_CALL = re.compile(r"(?<![\w.])CP_\w+\s*$", re.IGNORECASE)


def _mark_omitted(text: str) -> str:
    """Put the OMITTED literal where a CP_ call has an empty argument."""
    if "CP_" not in text.upper() or ("," not in text):
        return text
    out: list[str] = []
    # one frame per open parenthesis: [is a CP_ call, argument empty so far, commas seen]
    frames: list[list] = []
    braces = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'":  # string literal or quoted name: copied whole
            j = i + 1
            while j < n:
                if text[j] == ch:
                    if j + 1 < n and text[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(text[i : j + 1])
            if frames:
                frames[-1][1] = False
            i = j + 1
            continue
        if ch == "{":
            braces += 1
        elif ch == "}":
            braces -= 1
        elif ch == "(":
            if frames:
                frames[-1][1] = False
            frames.append([bool(_CP_CALL.search("".join(out[-80:]))), True, 0])
            out.append(ch)
            i += 1
            continue
        elif frames and braces == 0 and ch in ",)":
            frame = frames[-1]
            if frame[0] and frame[1] and (ch == "," or frame[2]):
                out.append(_OMITTED_LITERAL)
            if ch == ",":
                frame[1], frame[2] = True, frame[2] + 1
            else:
                frames.pop()
                if frames:
                    frames[-1][1] = False
            out.append(ch)
            i += 1
            continue
        if frames and not ch.isspace():
            frames[-1][1] = False
        out.append(ch)
        i += 1
    return "".join(out)


# --------------------------------------------------------------------------------------
# CP_* functions
# --------------------------------------------------------------------------------------


def _udfs_module():
    try:
        return importlib.import_module("cpxl.udfs")
    except ImportError as ex:
        if ex.name in ("cpxl.udfs",):
            return None
        raise


def cp_functions(module: Any = None) -> dict[str, Callable]:
    """The ``CP_*`` callables of ``module`` (default :mod:`cpxl.udfs`), by upper-case name."""
    module = _udfs_module() if module is None else module
    if module is None:
        return {}
    return {
        name.upper(): obj
        for name, obj in vars(module).items()
        if name.upper().startswith(CP_PREFIX) and callable(obj)
    }


class _ErrorArg(Exception):
    def __init__(self, err: Any):
        super().__init__(str(err))
        self.err = err


def _arg_options(spec: dict | None, index: int) -> dict:
    # xlwings keeps per-argument conversion options (ndim, empty, numbers) in __xlfunc__.
    if not spec:
        return {}
    args = spec.get("args") or []
    if not args:
        return {}
    info = args[index] if index < len(args) else args[-1]
    if index >= len(args) and not info.get("vararg"):
        return {}
    return info.get("options") or {}


_DEFAULT = object()  # stands for "the function's own default"


def _python_scalar(value: Any, options: dict) -> Any:
    import numpy as np
    import schedula as sh
    from formulas.tokens.operand import XlError

    if isinstance(value, XlError):
        raise _ErrorArg(value)
    if isinstance(value, str) and value == OMITTED:
        return _DEFAULT
    if value is sh.EMPTY or value is None:
        return options.get("empty")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        number = options.get("numbers", float)
        try:
            return number(value)
        except Exception:
            return float(value)
    return value


def _python_arg(value: Any, options: dict) -> Any:
    """A `formulas` argument as xlwings would pass it: scalar, list, or list of rows."""
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _python_scalar(value.item(), options)
        rows = value if value.ndim == 2 else value.reshape(1, -1)
        ndim = options.get("ndim")
        n_rows, n_cols = rows.shape
        if ndim is None and n_rows * n_cols == 1:
            return _python_scalar(rows[0, 0], options)
        if ndim == 1 or (ndim is None and (n_rows == 1 or n_cols == 1)):
            return [_python_scalar(v, options) for v in rows.ravel()]
        return [[_python_scalar(v, options) for v in row] for row in rows]
    return _python_scalar(value, options)


def _excel_value(result: Any) -> Any:
    """A CP function's return value as `formulas` expects it."""
    import numpy as np
    from formulas.functions import Array
    from formulas.tokens.operand import Error

    if isinstance(result, np.ndarray) and result.ndim == 0:
        result = result.item()
    if isinstance(result, np.generic):
        result = result.item()
    if result is None:
        return 0  # an Empty result shows as 0 in Excel
    if isinstance(result, bool):
        return result
    if isinstance(result, decimal.Decimal):
        result = float(result)
    if isinstance(result, (int, float)):
        return result if math.isfinite(result) else Error.errors["#NUM!"]
    if isinstance(result, (dt.datetime, dt.date)):
        from openpyxl.utils.datetime import to_excel

        return to_excel(result)
    if isinstance(result, str):
        return result
    if isinstance(result, (list, tuple, np.ndarray)):
        block = np.asarray(result, dtype=object)
        if block.ndim == 1:  # a flat list is a row, as xlwings writes it
            block = block.reshape(1, -1)
        cells = np.vectorize(_excel_value, otypes=[object])(block) if block.size else block
        return np.asarray(cells, dtype=object).view(Array)
    return str(result)


def _cp_message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if text.startswith(CP_ERROR) else f"{CP_ERROR} {text}"


def _defaults(func: Callable) -> list[Any]:
    """Per positional parameter: its default, or None (what Excel passes when omitted)."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        None if p.default is inspect.Parameter.empty else p.default
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


def _wrap_cp(name: str, func: Callable) -> Callable:
    """Adapt a CP_* wrapper to `formulas`: convert arguments, never raise."""
    spec = getattr(func, "__xlfunc__", None)
    defaults = _defaults(func)

    def cp_function(*args):
        try:
            values = [_python_arg(a, _arg_options(spec, i)) for i, a in enumerate(args)]
        except _ErrorArg as err:
            return err.err
        values = [
            (defaults[i] if i < len(defaults) else None) if v is _DEFAULT else v
            for i, v in enumerate(values)
        ]
        try:
            result = func(*values)
        except Exception as exc:  # the wrapper should return "#CP! …"; be safe anyway
            return _cp_message(exc)
        try:
            return _excel_value(result)
        except Exception as exc:
            return _cp_message(exc)

    cp_function.__name__ = name
    cp_function.__doc__ = func.__doc__
    return cp_function


def register_cp_functions(functions: dict[str, Callable] | None = None) -> list[str]:
    """Register CP functions in `formulas` (default: those of :mod:`cpxl.udfs`).

    Names registered earlier and no longer present are removed, so the table always
    matches the current module. Returns the registered names.
    """
    from formulas.functions import get_functions, wrap_func

    functions = cp_functions() if functions is None else functions
    table = get_functions()
    with _LOCK:
        for name in _REGISTERED - set(functions):
            table.pop(name, None)
        _REGISTERED.clear()
        for name, func in functions.items():
            table[name.upper()] = wrap_func(_wrap_cp(name.upper(), func))
            _REGISTERED.add(name.upper())
    return sorted(_REGISTERED)


# --------------------------------------------------------------------------------------
# Reading the package
# --------------------------------------------------------------------------------------

_HAS_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _col_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _split_ref(ref: str) -> tuple[int, int] | None:
    m = _CELL_REF.match(ref.strip())
    if not m:
        return None
    return int(m.group(2)), _col_number(m.group(1))


def _split_area(ref: str) -> tuple[int, int, int, int] | None:
    parts = ref.split(":")
    first = _split_ref(parts[0])
    last = _split_ref(parts[-1])
    if first is None or last is None:
        return None
    return (
        min(first[0], last[0]),
        min(first[1], last[1]),
        max(first[0], last[0]),
        max(first[1], last[1]),
    )


@dataclass
class _FormulaCell:
    row: int
    col: int
    cell: etree._Element  # <c>
    formula: etree._Element  # <f>
    area: tuple[int, int, int, int] | None = None  # array formula range


@dataclass
class _Sheet:
    name: str
    part: str
    tree: etree._ElementTree | None = None
    ns: str = NS_MAIN
    formulas: list[_FormulaCell] = field(default_factory=list)

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"


def _scan_sheet(pkg: Package, name: str, part: str) -> _Sheet:
    sheet = _Sheet(name, part)
    data = pkg.read(part)
    if not _HAS_FORMULA.search(data):
        return sheet  # nothing to compute or rewrite: copied as is
    sheet.tree = xlsxio.parse_xml(data, what=part)
    root = sheet.tree.getroot()
    sheet.ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else NS_MAIN
    sheet_data = root.find(sheet.q("sheetData"))
    if sheet_data is None:
        return sheet
    cells = _formula_cells(sheet, sheet_data)
    if cells is None:  # a formula cell without its address: count the cells of each row
        cells = _formula_cells_counted(sheet, sheet_data)
    for row_i, col_no, c, f in cells:
        if f.get("t") == "dataTable":
            continue  # data tables (what-if) are Excel-only; keep their cached values
        area = None
        if f.get("t") == "array" and f.get("ref"):
            area = _split_area(f.get("ref"))
        sheet.formulas.append(_FormulaCell(row_i, col_no, c, f, area))
    return sheet


def _formula_cells(sheet: _Sheet, sheet_data: etree._Element) -> list | None:
    """(row, col, <c>, <f>) of every formula cell, found from its <f>, or None when a cell
    holding a formula has no address of its own."""
    c_tag, row_tag = sheet.q("c"), sheet.q("row")
    out = []
    for f in sheet_data.iter(sheet.q("f")):
        c = f.getparent()
        if c.tag != c_tag or c.getparent().tag != row_tag or c.getparent().getparent() is not sheet_data:
            continue
        pos = _split_ref(c.get("r") or "")
        if pos is None or c.find(sheet.q("f")) is not f:
            return None
        out.append((*pos, c, f))
    return out


def _formula_cells_counted(sheet: _Sheet, sheet_data: etree._Element) -> list:
    out = []
    row_no = 0
    for row in sheet_data.iterchildren(sheet.q("row")):
        row_no = int(row.get("r") or row_no + 1)
        col_no = 0
        for c in row.iterchildren(sheet.q("c")):
            pos = _split_ref(c.get("r", "")) if c.get("r") else None
            row_i, col_no = pos if pos else (row_no, col_no + 1)
            f = c.find(sheet.q("f"))
            if f is not None:
                out.append((row_i, col_no, c, f))
    return out


def _sheet_aliases(names: Iterable[str]) -> dict[str, str]:
    # `formulas` cannot parse sheet names containing an apostrophe; evaluate under an alias.
    names = list(names)
    taken = {n.upper() for n in names}
    aliases = {}
    for name in names:
        if "'" not in name:
            continue
        alias = name.replace("'", "\u2019")
        i = 1
        while alias.upper() in taken:
            alias = f"{name.replace(chr(39), '')[:24]}~{i}"
            i += 1
        taken.add(alias.upper())
        aliases[name.upper()] = alias
    return aliases


# --------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_formulas():
    """Silence `formulas`' progress bars and openpyxl's warnings while loading."""
    import formulas.excel as fx
    import tqdm

    saved = fx.tqdm
    fx.tqdm = types.SimpleNamespace(tqdm=functools.partial(tqdm.tqdm, disable=True))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        fx.tqdm = saved


def _parameter_rows(path: Path) -> list[tuple] | None:
    """Rows 1… of the 参数 sheet (cached values), or None when there is no such sheet.

    Rows 1–3 (title, header) come back blank so that a row's position in the list is its
    row number in the sheet, which is what error messages about a row then name.
    """
    from .read import calamine_open

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


@contextlib.contextmanager
def _parameters_in_force(path: Path, warnings_out: list[str]):
    """Hand the workbook's 参数 rows to the CP functions for the duration of a calculation.

    Bad rows are skipped and reported in ``warnings_out``, as the add-in does in Excel, so
    that a workbook computes the same in both.
    """
    udfs = _udfs_module()
    if udfs is None or not hasattr(udfs, "use_parameters"):
        yield
        return
    try:
        params_mod = importlib.import_module("cpxl.calc.parameters")
    except ImportError as ex:
        if ex.name in ("cpxl.calc.parameters",):
            yield
            return
        raise
    if not hasattr(params_mod, "parameters_from_rows"):
        yield
        return
    try:
        rows = _parameter_rows(path)
    except Exception as ex:
        raise EvaluateError(f"无法读取「{PARAMETER_SHEET}」工作表：{path}（{ex}）") from None
    parse = params_mod.parameters_from_rows
    lenient = "strict" in inspect.signature(parse).parameters
    try:
        # no 参数 sheet: the defaults
        params = parse(rows or [], strict=False) if lenient else parse(rows or [])
    except Exception as ex:  # a bad 参数 row is the user's to fix, not a crash
        raise EvaluateError(f"「{PARAMETER_SHEET}」工作表有误（{path.name}）：{ex}") from None
    for problem in getattr(params, "warnings", None) or ():
        warnings_out.append(f"「{PARAMETER_SHEET}」工作表：{problem}（该行未使用）")
    udfs.use_parameters(params)
    try:
        yield
    finally:
        udfs.use_parameters(None)  # back to the default lookup for later callers


def _python_value(value: Any) -> Any:
    import numpy as np
    import schedula as sh
    from formulas.tokens.operand import XlError

    if isinstance(value, XlError):
        # formulas marks a circular reference with an error that prints as "0"
        return CellError("#CIRC!" if type(value).__name__ == "XlCircular" else str(value))
    if value is sh.EMPTY or value is None:
        return 0
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return CellError("#NUM!")
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


@dataclass
class _Evaluation:
    sheets: list[_Sheet]
    values: dict[tuple[str, int, int], Any]  # (sheet name, row, col)
    count: int
    warnings: list[str] = field(default_factory=list)
    engine: str = "formulas"  # which engine computed the values: "fast" or "formulas"


ENGINES = ("auto", "fast", "formulas")


def _evaluate(pkg: Package, engine: str = "auto", progress: Callable | None = None) -> _Evaluation:
    """Compute the workbook: the fast engine (:mod:`cpxl.workbook.fastcalc`) first, the
    `formulas` engine for the whole workbook when the fast one meets something it does not
    handle. ``engine`` "fast" or "formulas" forces one (tests, comparisons)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}")
    sheets = [_scan_sheet(pkg, s.name, s.part) for s in pkg.sheets]
    wanted = [s for s in sheets if s.formulas]
    values: dict[tuple[str, int, int], Any] = {}
    if not wanted:
        return _Evaluation(sheets, values, 0)
    if engine != "formulas":
        from cpxl.workbook import fastcalc

        notes: list[str] = []
        try:
            with _LOCK, fastcalc.light_imports(), _parameters_in_force(pkg.path, notes):
                values, count = fastcalc.evaluate_fast(pkg, sheets, progress)
            return _Evaluation(sheets, values, count, notes, engine="fast")
        except fastcalc.Unsupported as ex:
            if engine == "fast":
                raise EvaluateError(f"快速计算引擎不支持此工作簿：{ex}") from None
            log.info("改用 formulas 引擎计算：%s", ex)
            values = {}
        except EvaluateError:
            raise
        except Exception as ex:  # a fault of the fast engine: the other one still computes the book
            if engine == "fast":
                raise
            log.warning("快速计算引擎出错（%s: %s），改用 formulas 引擎", type(ex).__name__, ex)
            values = {}

    aliases = _sheet_aliases(s.name for s in sheets)
    notes: list[str] = []
    with _LOCK, safeio.temp_dir("calc") as tmp:
        book = Path(tmp) / ("book" + pkg.extension)
        _write_normalized(pkg, sheets, aliases, book)
        register_cp_functions()
        with _parameters_in_force(pkg.path, notes):
            solution = _run_formulas(book, wanted, aliases)

    by_upper = {}
    for s in sheets:
        by_upper[aliases.get(s.name.upper(), s.name).upper()] = s.name
    index: dict[tuple[str, int, int, int, int], Any] = {}
    for key, ranges in solution.items():
        rngs = getattr(ranges, "ranges", None)
        if not rngs or len(rngs) != 1:
            continue
        r = rngs[0]
        sheet = by_upper.get(str(r.get("sheet", "")).upper())
        if sheet is None:
            continue
        try:
            area = (sheet, int(r["r1"]), int(r["n1"]), int(r["r2"]), int(r["n2"]))
        except (KeyError, TypeError, ValueError):
            continue
        index[area] = ranges.value

    count = 0
    missing = CellError("#N/A")  # not computed (unsupported construct): never a stale value
    for s in wanted:
        for fc in s.formulas:
            r1, c1, r2, c2 = fc.area or (fc.row, fc.col, fc.row, fc.col)
            block = index.get((s.name, r1, c1, r2, c2))
            if block is None and fc.area is not None:
                block = index.get((s.name, fc.row, fc.col, fc.row, fc.col))
                r1, c1 = fc.row, fc.col
            if block is None or block.ndim != 2:
                log.warning("%s!%s%s 未能计算", s.name, _col_letters(fc.col), fc.row)
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        values[(s.name, r, c)] = missing
                continue
            count += 1
            rows, cols = block.shape
            for i in range(r2 - r1 + 1):
                for j in range(c2 - c1 + 1):
                    # Excel repeats a single row/column over the array's range; beyond
                    # the result's size it shows #N/A
                    bi, bj = (0 if rows == 1 else i), (0 if cols == 1 else j)
                    v = block[bi, bj] if bi < rows and bj < cols else missing
                    values[(s.name, r1 + i, c1 + j)] = _python_value(v)
    return _Evaluation(sheets, values, count, notes)


def _write_normalized(
    pkg: Package, sheets: list[_Sheet], aliases: dict[str, str], dst: Path
) -> None:
    """Write the copy `formulas` reads: formula texts normalised, odd sheet names aliased,
    and sheets no formula can reach emptied (loading them would cost the most time).

    The parsed trees are restored afterwards so the output keeps the original texts.
    """
    replace: dict[str, bytes] = {}
    texts: list[str] = []
    for s in sheets:
        if s.tree is None:
            continue
        saved = []
        for fc in s.formulas:
            text = fc.formula.text
            if text:
                texts.append(text)
                new = _mark_omitted(normalize_formula(text, aliases))
                if new != text:
                    saved.append((fc.formula, text))
                    fc.formula.text = new
        if saved:
            replace[s.part] = xlsxio.serialize_xml(s.tree)
            for f, text in saved:
                f.text = text

    wb_tree = pkg.xml(pkg.workbook_part)
    root = wb_tree.getroot()
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else NS_MAIN
    changed = False
    for sheet in root.iter(f"{{{ns}}}sheet"):
        alias = aliases.get(sheet.get("name", "").upper())
        if alias:
            sheet.set("name", alias)
            changed = True
    for dn in root.iter(f"{{{ns}}}definedName"):
        if dn.text:
            texts.append(dn.text)
            new = _mark_omitted(normalize_formula(dn.text, aliases))
            if new != dn.text:
                dn.text = new
                changed = True
    if changed:
        replace[pkg.workbook_part] = xlsxio.serialize_xml(wb_tree)

    for s in _unreachable_sheets(sheets, texts):
        replace[s.part] = _EMPTY_SHEET

    with zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED) as out:
        xlsxio.copy_package(pkg, out, replace)


_EMPTY_SHEET = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    f'<worksheet xmlns="{NS_MAIN}"><sheetData/></worksheet>'
).encode()
# References built from text at run time: any sheet may be the target.
_DYNAMIC_REFS = re.compile(r"\b(?:INDIRECT|EVALUATE|SHEET|SHEETS)\s*\(", re.IGNORECASE)


def _unreachable_sheets(sheets: list[_Sheet], texts: list[str]) -> list[_Sheet]:
    """Sheets without formulas whose name appears in no formula or defined name."""
    joined = "\n".join(texts).upper()
    if _DYNAMIC_REFS.search(joined):
        return []
    out = []
    for s in sheets:
        if s.formulas:
            continue
        name = s.name.upper()
        if name in joined or name.replace("'", "''") in joined:
            continue
        out.append(s)
    return out


def _run_formulas(book: Path, sheets: list[_Sheet], aliases: dict[str, str]) -> dict:
    from formulas.ranges import Ranges

    with _quiet_formulas():
        model = _model_class()()
        model.sheet_names = {aliases.get(s.name.upper(), s.name).upper(): s.name for s in sheets}
        _, context = model.add_book(str(book))
        # Load only the formula cells and what they depend on, not every data cell.
        stack = []
        for s in sheets:
            ctx = dict(context, sheet=aliases.get(s.name.upper(), s.name).upper())
            for fc in s.formulas:
                if fc.area is not None:
                    r1, c1, r2, c2 = fc.area
                    ref = f"{_col_letters(c1)}{r1}:{_col_letters(c2)}{r2}"
                else:
                    ref = f"{_col_letters(fc.col)}{fc.row}"
                stack.append(Ranges().push(ref, context=ctx).ranges[0]["name"])
        model.complete(stack)
        # A second pass over what is now in the graph: cells reached only through a
        # defined name are not loaded by the first one.
        model.complete()
        # finish() without its cycle search, which costs O(n²) even on an acyclic
        # book; run it only when a (linear) topological sort finds a cycle.
        model.anchors()
        model.assemble()
        if _has_cycle(model):
            model.solve_circular()
        model.inverse_references()
        return model.calculate()


@functools.lru_cache(maxsize=None)
def _model_class():
    import formulas

    class Model(formulas.ExcelModel):
        """One formula `formulas` cannot parse becomes #NAME? instead of failing the book."""

        def compile_cell(self, cell, context, references, formula_references):
            try:
                return super().compile_cell(cell, context, references, formula_references)
            except Exception as ex:
                crd = formula_references.get(cell.coordinate, cell.coordinate)
                sheet = getattr(self, "sheet_names", {}).get(context.get("sheet"), context.get("sheet"))
                log.warning("%s!%s 的公式无法计算（%s），按 #NAME? 处理", sheet, crd, ex)
                return self._compile_cell(crd, "=#NAME?", context, True, references)

    return Model


def _has_cycle(model) -> bool:
    from formulas.cell import InvRangesAssembler

    dsp = model.dsp
    skip = {
        k
        for k, node in dsp.function_nodes.items()
        if isinstance(node.get("function"), InvRangesAssembler)
    }
    sorter = graphlib.TopologicalSorter()
    for node, successors in dsp.dmap.succ.items():
        if node in skip:
            continue
        sorter.add(node)
        for nxt in successors:
            if nxt not in skip:
                sorter.add(nxt, node)
    try:
        sorter.prepare()
    except graphlib.CycleError:
        return True
    return False


# --------------------------------------------------------------------------------------
# Writing cached values
# --------------------------------------------------------------------------------------


def _format_number(value: float | int) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _set_cached(sheet: _Sheet, c: etree._Element, value: Any) -> None:
    """Give cell ``c`` the cached value ``value``; its formula (if any) stays."""
    if isinstance(value, CellError) and value == CIRCULAR:
        t, text = None, "0"  # what Excel shows in a circular reference
    elif isinstance(value, CellError):
        t, text = "e", value if value in XML_ERRORS else "#VALUE!"
    elif isinstance(value, bool):
        t, text = "b", "1" if value else "0"
    elif isinstance(value, (int, float)):
        t, text = None, _format_number(value)
    else:
        # Excel's limit for a cell's text; longer would need a repair on open
        t, text = "str", xlsxio.xml_text(str(value)[:EXCEL_MAX_TEXT])
    if t is None:
        c.attrib.pop("t", None)
    else:
        c.set("t", t)
    v_tag = sheet.q("v")
    olds = [x for x in c if x.tag == v_tag or x.tag == sheet.q("is")]
    f = c.find(sheet.q("f"))
    if len(olds) == 1:  # the usual <f/><v/>: the <v> is reused when it is plain and in place
        v = olds[0]
        if v.tag == v_tag and not len(v) and not v.attrib and v.getprevious() is f:
            v.text = text
            return
    for old in olds:
        c.remove(old)
    v = etree.Element(v_tag)
    v.text = text
    if f is not None:
        f.addnext(v)  # schema order: f, v, is, extLst
    else:
        c.insert(0, v)


def _cell_index(sheet: _Sheet):
    """(row, col) -> <c> for the whole sheet, plus row number -> <row>."""
    sheet_data = sheet.tree.getroot().find(sheet.q("sheetData"))
    cells, rows = {}, {}
    row_no = 0
    for row in sheet_data.iterchildren(sheet.q("row")):
        row_no = int(row.get("r") or row_no + 1)
        rows[row_no] = row
        col_no = 0
        for c in row.iterchildren(sheet.q("c")):
            pos = _split_ref(c.get("r", "")) if c.get("r") else None
            r, col_no = pos if pos else (row_no, col_no + 1)
            cells[(r, col_no)] = c
    return sheet_data, cells, rows


def _ensure_cell(sheet: _Sheet, index, row_no: int, col_no: int) -> etree._Element:
    sheet_data, cells, rows = index
    c = cells.get((row_no, col_no))
    if c is not None:
        return c
    row = rows.get(row_no)
    if row is None:
        row = etree.Element(sheet.q("row"), r=str(row_no))
        after = [r for r in rows if r < row_no]
        if after:
            rows[max(after)].addnext(row)
        else:
            sheet_data.insert(0, row)
        rows[row_no] = row
    row.attrib.pop("spans", None)  # a hint only; may no longer cover the new cell
    c = etree.Element(sheet.q("c"), r=f"{_col_letters(col_no)}{row_no}")
    before = None
    for other in row.iterchildren(sheet.q("c")):
        pos = _split_ref(other.get("r", "")) if other.get("r") else None
        if pos and pos[1] > col_no:
            before = other
            break
    if before is not None:
        before.addprevious(c)
    else:
        row.append(c)
    cells[(row_no, col_no)] = c
    return c


def _sheet_bytes(sheet: _Sheet, values: dict[tuple[str, int, int], Any]) -> bytes | None:
    if sheet.tree is None or not sheet.formulas:
        return None
    index = None
    for fc in sheet.formulas:
        if fc.area is None:
            value = values.get((sheet.name, fc.row, fc.col))
            if value is not None:
                _set_cached(sheet, fc.cell, value)
            continue
        r1, c1, r2, c2 = fc.area
        for r in range(r1, r2 + 1):
            for col in range(c1, c2 + 1):
                value = values.get((sheet.name, r, col))
                if value is None:
                    continue
                if (r, col) == (fc.row, fc.col):
                    _set_cached(sheet, fc.cell, value)
                else:
                    index = index or _cell_index(sheet)
                    _set_cached(sheet, _ensure_cell(sheet, index, r, col), value)
        _widen_dimension(sheet, fc.area)
    return xlsxio.serialize_xml(sheet.tree)


def _widen_dimension(sheet: _Sheet, area: tuple[int, int, int, int]) -> None:
    # <dimension> is the used range; cells added for an array formula must lie inside it.
    dim = sheet.tree.getroot().find(sheet.q("dimension"))
    if dim is None:
        return
    old = _split_area(dim.get("ref", ""))
    if old is None:
        return
    r1, c1, r2, c2 = (min(old[0], area[0]), min(old[1], area[1]),
                      max(old[2], area[2]), max(old[3], area[3]))
    if (r1, c1, r2, c2) != old:
        dim.set("ref", f"{_col_letters(c1)}{r1}:{_col_letters(c2)}{r2}")


def _workbook_bytes(pkg: Package) -> bytes | None:
    # The cached values are now current, so a forced recalculation on open is not needed
    # (and would turn every CP_ cell into #NAME? where the add-in is missing).
    tree = pkg.xml(pkg.workbook_part)
    root = tree.getroot()
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else NS_MAIN
    calc = root.find(f"{{{ns}}}calcPr")
    if calc is None or calc.get("fullCalcOnLoad") is None:
        return None
    del calc.attrib["fullCalcOnLoad"]
    return xlsxio.serialize_xml(tree)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def _open(src: Path) -> Package:
    from .read import preflight

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
        except EvaluateError:
            raise
        except CpxlError as ex:  # refused target (the input itself, exists without force)
            raise EvaluateError(str(ex)) from None
        except PackageError as ex:
            raise EvaluateError(str(ex)) from None
        except OSError as ex:
            raise EvaluateError(f"无法写入输出文件 {dst}：{ex.strerror or ex}") from None
        except Exception as ex:
            log.debug("evaluation failed", exc_info=True)
            from .read import invalid_characters

            bad = invalid_characters(src)
            if bad:  # name the cells, not the parser's position
                where = "、".join(f"{sheet}!{cell}（{ref}）" for sheet, cell, ref in bad[:5]) + (" 等" if len(bad) > 5 else "")
                raise EvaluateError(f"工作簿含 XML 不允许的字符引用，无法计算：{where}；请重新输入这些单元格：{src}") from None
            raise EvaluateError(f"无法计算工作簿 {src}：{type(ex).__name__}: {ex}") from ex
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
