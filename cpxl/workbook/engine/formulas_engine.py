"""The fallback: a whole workbook computed by the `formulas` package, for workbooks with
anything the fast engine does not handle, with the ``CP_*`` functions registered in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import graphlib
import logging
import math
import re
import types
import warnings
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterable

from cpxl import safeio
from cpxl.workbook import xlsxio
from cpxl.workbook.xlsxio import NS_MAIN, Package

from .calc import _LOCK, _Evaluation, _parameters_in_force
from .cp import _DEFAULT, _ErrorArg, cp_functions, wrap_cp
from .formula_text import OMITTED, _mark_omitted, normalize_formula
from .scan import _col_letters, _Sheet
from .values import CellError

log = logging.getLogger(__name__)

_REGISTERED: set[str] = set()


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
            table[name.upper()] = wrap_func(wrap_cp(func, _python_arg, _excel_value))
            _REGISTERED.add(name.upper())
    return sorted(_REGISTERED)


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


def evaluate_formulas(pkg: Package, sheets: list[_Sheet]) -> _Evaluation:
    """The whole workbook computed by the `formulas` engine."""
    wanted = [s for s in sheets if s.formulas]
    values: dict[tuple[str, int, int], Any] = {}
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
