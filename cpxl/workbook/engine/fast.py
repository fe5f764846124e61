"""Fast headless evaluation of the formulas cpxl's workbooks use.

:func:`evaluate_fast` computes every formula cell of a workbook without the `formulas`
package's graph: it is what ``cpxl calc`` runs first (:func:`.calc._evaluate`); anything
outside what it knows raises :class:`Unsupported`, and the caller then evaluates the
whole workbook with the `formulas` engine instead.

How it works:

* Input values are read from the sheet XML as stored (numbers, shared/inline strings,
  booleans, error values); only formula cells are computed.
* Each formula is tokenized (openpyxl's tokenizer) and its references are made relative
  to the cell (R1C1-style, :mod:`.references`); one Python function is generated and
  compiled per distinct shape (:mod:`.compiler`), so a formula copied down 500 rows is
  parsed once. Formulas are taken column by column: a copy of the formula above is
  recognised by its text alone (:class:`_RowCopies`), without tokenizing.
* Formula cells are evaluated in dependency order (Tarjan's strongly connected
  components, iterative; cells that read no formula first). Copies of one shape that
  come next to each other in that order are computed by one call of the shape's
  function, row after row. Cells on a circular reference get the ``#CIRC!`` value (cpxl's
  report of the cycle; the cell is written as 0, as Excel shows it without iterative
  calculation) and read as 0 by the formulas that depend on them, as in Excel.
* A range reference covers only the rows that hold something: ``A5:A504`` over a table
  filled to row 20 is materialized as 16 rows (functions that count blanks, such as
  ``COUNTIF(r,"")`` or ``COUNTBLANK``, add the rows cut off).
* Native functions follow Excel's rules: blank is 0 in arithmetic and "" in text,
  comparisons order numbers < text < booleans and compare text case-insensitively,
  errors propagate left to right, ``IF``/``IFERROR`` evaluate only the branch they return.
* ``CP_*`` functions are called with the same argument conversion as under the `formulas`
  engine (omitted arguments get their default, an error argument is passed through, a
  failure becomes ``#CP! …`` text).

Not on the fast path (the whole workbook then goes to the `formulas` engine): array
formulas (``t="array"``), functions not in :data:`.registry.FUNCTIONS`, the range/union/
intersection operators, 3-D and external references, structured references, defined
names that are not references or constants, and array arithmetic outside SUMPRODUCT.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import operator
import re
import time
from typing import Any, Callable

from cpxl.workbook import xlsxio
from cpxl.workbook.xlsxio import NS_MAIN

from .compiler import compile_shape
from .criteria import _GROUPS
from .formula_text import normalize_formula
from .references import _TEXT_REFS, _pre_key, resolve, shape
from .sheets import (
    _CURRENT_COMPILE,
    Book,
    _read_plain,
    _read_tree,
    _rows_by_column,
    _shared_strings,
)
from .values import (
    _BOOK,
    _CURRENT,
    E_CIRC,
    MAX_ROW,
    Unsupported,
)


def _defined_names(pkg, book: Book) -> None:
    root = pkg.xml(pkg.workbook_part).getroot()
    for dn in root.iter("{*}definedName"):
        name = (dn.get("name") or "").upper()
        if not name or dn.text is None:
            continue
        local = dn.get("localSheetId")
        sid = None
        if local is not None:
            try:
                sid = int(local)
            except ValueError:
                continue
        book.defined[(sid, name)] = normalize_formula(dn.text)


def _master_formulas(sheet) -> dict[str, tuple[str, int, int]]:
    """Shared formulas: si -> (text, row, col) of the cell that carries the text."""
    out = {}
    for fc in sheet.formulas:
        f = fc.formula
        if fc.kind == "shared" and f.text and f.get("si") is not None:
            out.setdefault(f.get("si"), (f.text, fc.row, fc.col))
    return out


def _references(book: Book, sid: int, toks: tuple) -> list:
    """(sheet id, relative spec, None) per reference of a shape, or (None, None, absolute
    dependency) for a defined name; references to unknown sheets are left out."""
    out = []
    for t in toks:
        if t[0] == "REF":
            spec = t[1]
            dsid = sid if spec.sheet is None else book.sheet_ids.get(spec.sheet)
            if dsid is not None:
                out.append((dsid, spec, None))
        elif t[0] == "NAME":
            target = book.name_value(t[1])
            if isinstance(target, tuple):
                out.append((None, None, (book.sheet_ids[target[0]], *target[1:])))
    return out


class _Shape:
    """One distinct formula of a sheet (R1C1): its compiled function and its references."""

    __slots__ = ("func", "refs", "live")

    def __init__(self, func: Callable, refs: list):
        self.func, self.refs = func, refs
        self.live: dict[int, list] = {}  # column -> the references that may reach a formula cell

    def live_refs(self, book: Book, col: int) -> list:
        """The references of a copy in column ``col`` whose columns hold formula cells: only
        those can make it depend on another formula."""
        hit = self.live.get(col)
        if hit is None:
            hit = []
            for dsid, spec, fixed in self.refs:
                if spec is None:
                    dsid, c1, c2 = fixed[0], fixed[2], fixed[4]
                else:
                    c1 = spec.c1 if spec.abs[1] else spec.c1 + col
                    c2 = spec.c2 if spec.abs[3] else spec.c2 + col
                    c1, c2 = min(c1, c2), max(c1, c2)
                frows = book.data[dsid].formula_rows
                if any(c1 <= k <= c2 for k in frows):
                    hit.append((dsid, spec, fixed))
            self.live[col] = hit
        return hit


class _RowCopies:
    """A formula's text as copied to other rows of its column: ``text_at(r)`` is the text a
    copy in row r has, so a cell whose text equals it has the same shape (no tokenizing)."""

    __slots__ = ("template", "offsets", "first", "last", "shape")

    def __init__(self, text: str, row: int, shape: _Shape):
        pieces, offsets = [], []
        parts = _TEXT_REFS.split(text)
        for i in range(0, len(parts) - 1, 6):
            pieces.append(_braces(parts[i]))
            quoted, cabs, letters, rabs, digits = parts[i + 1 : i + 6]
            if quoted:
                pieces.append(_braces(quoted))
            elif rabs:
                pieces.append(cabs + letters + rabs + digits)
            else:
                pieces.append((cabs + letters, int(digits) - row))
                offsets.append(int(digits) - row)
        pieces.append(_braces(parts[-1]))
        offsets = sorted(set(offsets))  # one slot per distinct row offset: most formulas have one
        slot = {k: "{%d}" % i for i, k in enumerate(offsets)}
        self.template = "".join(p if type(p) is str else p[0] + slot[p[1]] for p in pieces)
        self.offsets, self.shape = offsets, shape
        # rows where every relative reference stays on the sheet
        self.first = 1 - min(offsets, default=0)
        self.last = MAX_ROW - max(offsets, default=0)

    def text_at(self, row: int) -> str | None:
        if not self.first <= row <= self.last:
            return None
        offsets = self.offsets
        if len(offsets) == 1:
            return self.template.format(row + offsets[0])
        return self.template.format(*[row + k for k in offsets])


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _evaluation_order(n: int, succ: list) -> list:
    """The formula cells in an order where each comes after the cells it reads: an int per
    cell, a list per circular component (Tarjan's strongly connected components, iterative).
    Cells that read no formula come first, in their own order."""
    order: list = [i for i in range(n) if not succ[i]]
    if len(order) == n:
        return order
    seen = [not edges for edges in succ]
    index = [0] * n
    low = [0] * n
    on_stack = [False] * n
    stack: list[int] = []
    counter = 1
    for root in range(n):
        if seen[root]:
            continue
        work = [(root, 0)]
        while work:
            v, i = work[-1]
            if i == 0:
                seen[v] = True
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack[v] = True
            edges = succ[v]
            if i < len(edges):
                work[-1] = (v, i + 1)
                w = edges[i]
                if not seen[w]:
                    work.append((w, 0))
                elif on_stack[w]:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack[w] = False
                    comp.append(w)
                    if w == v:
                        break
                order.append(v if len(comp) == 1 and v not in edges else comp)
    return order


def evaluate_fast(pkg, sheets, progress: Callable[[int, int], None] | None = None,
                  timings: dict | None = None):
    """Compute every formula cell of ``sheets`` (evaluate._scan_sheet results).

    Returns ((sheet name, row, col) -> value, number of formula cells). Raises
    :class:`Unsupported` for anything outside the fast path. ``timings``, when given,
    receives the seconds of each phase (read, compile, graph, compute).
    """
    collecting = gc.isenabled()
    gc.disable()  # collections meanwhile would only walk the cells; what is garbage goes after
    try:
        return _evaluate_fast(pkg, sheets, progress, timings)
    finally:
        if collecting:
            gc.enable()
        _BOOK[0] = None
        _GROUPS.clear()
        _CURRENT_COMPILE[0] = None


def _evaluate_fast(pkg, sheets, progress, timings):
    clock = [time.perf_counter()]

    def phase(name: str) -> None:
        if timings is not None:
            now = time.perf_counter()
            timings[name] = timings.get(name, 0.0) + now - clock[0]
            clock[0] = now

    book = Book([s.name for s in sheets])
    _BOOK[0] = book
    _GROUPS.clear()
    _defined_names(pkg, book)
    strings = _shared_strings(pkg)

    # the stored values of every sheet (formulas may reach any of them)
    for sid, s in enumerate(sheets):
        d = book.data[sid]
        at = {(fc.row, fc.col) for fc in s.formulas}
        data = s.data or pkg.read(s.part)
        if not _read_plain(data, at, d.values, strings):  # prefixes, a DTD …: the XML parser
            d.values.clear()
            if s.tree is not None:
                root, ns = s.tree.getroot(), s.ns
            else:
                root = xlsxio.parse_xml(data, what=s.part).getroot()
                ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else NS_MAIN
            _read_tree(root, ns, at, d.values, strings)
        d.columns = _rows_by_column(itertools.chain(d.values, at))
        d.formula_rows = _rows_by_column(at)

    phase("read")
    # compile: one function per distinct formula, formulas taken column by column
    compiled: dict[tuple, Callable] = {}  # tokens (and sheet, when names occur) -> function
    shapes: dict[tuple[int, str], _Shape] = {}  # (sheet id, pre-key) -> shape

    def shape_of(sid: int, text: str, row: int, col: int) -> _Shape:
        key = (sid, _pre_key(text, row, col))
        found = shapes.get(key)
        if found is None:
            toks = shape(text, row, col)
            ckey = (sid, toks) if any(t[0] == "NAME" for t in toks) else toks
            func = compiled.get(ckey)
            if func is None:
                func = compiled[ckey] = compile_shape(book, toks)
            found = shapes[key] = _Shape(func, _references(book, sid, toks))
        return found

    # the formula cells, sorted by sheet, column, row: those of column k of sheet s are
    # f_shape[first[s, k] + i] for the rows book.data[s].formula_rows[k][i]
    f_sid: list[int] = []
    f_row: list[int] = []
    f_col: list[int] = []
    f_shape: list[_Shape] = []
    first: dict[tuple[int, int], int] = {}
    for sid, s in enumerate(sheets):
        masters: dict | None = None
        # without CP_ in the sheet's XML (nor a character reference) no formula text needs normalizing
        cp_calls = not s.data or b"&#" in s.data or _CP_CALL.search(s.data) is not None
        _CURRENT_COMPILE[0] = sid
        groups: dict[str, _Shape] = {}  # shared formula si -> the group's shape
        copies: _RowCopies | None = None  # the last formula read in this column
        last_col = last_row = 0
        for fc in sorted(s.formulas, key=_COLUMN_MAJOR):
            f, row, col = fc.formula, fc.row, fc.col
            if col != last_col:
                first[(sid, col)] = len(f_shape)
                copies = None
            elif row == last_row:
                f_shape.pop()  # a cell written twice: the last one counts
                f_sid.pop()
                f_row.pop()
                f_col.pop()
            last_col, last_row = col, row
            kind = fc.kind
            if kind == "array" or fc.area is not None:
                raise Unsupported("数组公式")
            if kind == "shared" and f.get("si") is not None:
                si = f.get("si")
                found = groups.get(si)
                if found is None:
                    masters = _master_formulas(s) if masters is None else masters
                    master = masters.get(si)
                    if master is None:
                        raise Unsupported("共享公式缺少主公式")
                    found = groups[si] = shape_of(sid, normalize_formula(master[0]), master[1], master[2])
            else:
                text = f.text
                if not text:
                    raise Unsupported("空公式")
                if cp_calls:
                    text = normalize_formula(text)
                if copies is not None and copies.text_at(row) == text:
                    found = copies.shape
                else:
                    found = shape_of(sid, text, row, col)
                    copies = _RowCopies(text, row, found)
            f_sid.append(sid)
            f_row.append(row)
            f_col.append(col)
            f_shape.append(found)
    _CURRENT_COMPILE[0] = None
    phase("compile")

    # dependency graph over formula cells
    total = len(f_shape)
    succ: list = [()] * total
    # same[i]: cell i is a copy of cell i - 1 (same shape, sheet and column)
    same = [False] + [f_shape[i] is f_shape[i - 1] and f_col[i] == f_col[i - 1] and f_sid[i] == f_sid[i - 1]
                      for i in range(1, total)]
    refs: list = []
    for i in range(total):
        if not same[i]:
            refs = f_shape[i].live_refs(book, f_col[i])
        if not refs:
            continue
        row, col = f_row[i], f_col[i]
        out = []
        for dsid, spec, fixed in refs:
            if spec is None:
                dsid, r1, c1, r2, c2 = fixed
            else:
                area = resolve(spec, row, col)
                if area is None:
                    continue
                r1, c1, r2, c2 = area
            frows = book.data[dsid].formula_rows
            for k in frows if c2 - c1 > len(frows) else range(c1, c2 + 1):
                rows = frows.get(k)
                if not rows or not c1 <= k <= c2:
                    continue
                base = first[(dsid, k)]
                out.extend(range(base + bisect.bisect_left(rows, r1), base + bisect.bisect_right(rows, r2)))
        succ[i] = out

    phase("graph")
    values: dict[tuple[str, int, int], Any] = {}
    names, cells = book.names, book._values
    current = _CURRENT
    done, reported, step = 0, 0, max(1, total // 100)
    chunk = step if progress is not None else total  # copies computed in one call

    def flush(start: int, end: int) -> None:
        nonlocal done, reported
        sid, col = current[0], current[2] = f_sid[start], f_col[start]
        try:
            f_shape[start].func(sid, col, f_row[start:end], values, names[sid])
        except Unsupported:
            raise
        except Exception as ex:  # noqa: BLE001 - an engine bug must not give a wrong value
            raise Unsupported(f"{names[sid]}!{current[1]},{col}: {type(ex).__name__}: {ex}") from ex
        done += end - start
        if progress is not None and done - reported >= step:
            progress(done, total)
            reported = done

    # copies next to each other in the order are computed in one call
    start = last = -2  # the cells start … last wait to be computed
    for i in _evaluation_order(total, succ):
        if type(i) is int:
            if i == last + 1 and same[i] and i - start < chunk:
                last = i
                continue
            if start >= 0:
                flush(start, last + 1)
            start = last = i
            continue
        if start >= 0:
            flush(start, last + 1)
            start = last = -2
        for k in i:  # a circular reference
            sid, row, col = f_sid[k], f_row[k], f_col[k]
            values[(names[sid], row, col)] = E_CIRC
            cells[sid][(row, col)] = 0.0  # what the cell shows
        done += len(i)
    if start >= 0:
        flush(start, last + 1)
    if progress is not None:
        progress(total, total)
    _BOOK[0] = None
    _GROUPS.clear()
    phase("compute")
    return values, total


_COLUMN_MAJOR = operator.attrgetter("col", "row")

_CP_CALL = re.compile(rb"[Cc][Pp]_")
