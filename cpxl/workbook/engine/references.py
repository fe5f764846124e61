"""Cell references in formulas, made relative to the formula's cell (R1C1), and the shape
of a formula: equal for copies of one formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .values import MAX_COL, MAX_ROW, Unsupported

_CELL = r"(\$?)([A-Za-z]{1,3})(\$?)(\d+)"

_REF = re.compile(
    rf"^(?:(?P<sheet>'(?:[^']|'')+'|[^'!:\[\]]+)!)?"
    rf"(?:(?P<cell>{_CELL})(?::(?P<cell2>{_CELL}))?"
    r"|(?P<cols>\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3})"
    r"|(?P<rows>\$?\d+:\$?\d+))$"
)


_NAME = re.compile(r"^[^\d\s!\"'()\[\]{}:;,+\-*/^&=<>%$#][^\s!\"'()\[\]{}:;,+\-*/^&=<>%$#]*$")

_COLUMNS: dict[str, int] = {}


def _letters_to_col(s: str) -> int:
    n = _COLUMNS.get(s)
    if n is None:
        n = 0
        for ch in s.upper():
            n = n * 26 + ord(ch) - 64
        if len(_COLUMNS) < 100_000:
            _COLUMNS[s] = n
    return n


@dataclass(frozen=True)
class RefSpec:
    """A reference relative to the formula's cell: rows/columns are offsets unless absolute."""

    sheet: str | None  # upper-cased sheet name; None: the formula's own sheet
    r1: int
    c1: int
    r2: int
    c2: int
    abs: tuple[bool, bool, bool, bool]  # r1, c1, r2, c2 absolute?
    single: bool


def parse_ref(text: str, row: int, col: int) -> RefSpec | None:
    """A reference token (``'D.6 产品产量'!$B$5:$B$504``, ``A:A``) made relative to (row, col)."""
    m = _REF.match(text)
    if not m:
        return None
    sheet = m.group("sheet")
    if sheet is not None:
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        sheet = sheet.upper()
    if m.group("cell"):
        g = m.groups()
        # groups: sheet, cell, $, col, $, row, cell2, $, col, $, row, cols, rows
        c1a, c1, r1a, r1 = g[2] == "$", _letters_to_col(g[3]), g[4] == "$", int(g[5])
        if m.group("cell2"):
            c2a, c2, r2a, r2 = g[7] == "$", _letters_to_col(g[8]), g[9] == "$", int(g[10])
            single = False
        else:
            c2a, c2, r2a, r2, single = c1a, c1, r1a, r1, True
    elif m.group("cols"):
        a, b = m.group("cols").split(":")
        c1a, c1 = a.startswith("$"), _letters_to_col(a.lstrip("$"))
        c2a, c2 = b.startswith("$"), _letters_to_col(b.lstrip("$"))
        r1a, r1, r2a, r2, single = True, 1, True, MAX_ROW, False
    else:
        a, b = m.group("rows").split(":")
        r1a, r1 = a.startswith("$"), int(a.lstrip("$"))
        r2a, r2 = b.startswith("$"), int(b.lstrip("$"))
        c1a, c1, c2a, c2, single = True, 1, True, MAX_COL, False
    if not (1 <= r1 <= MAX_ROW and 1 <= r2 <= MAX_ROW and 1 <= c1 <= MAX_COL and 1 <= c2 <= MAX_COL):
        return None
    if not single and (r1 > r2 or c1 > c2) and r1a == r2a and c1a == c2a:
        r1, r2 = min(r1, r2), max(r1, r2)
        c1, c2 = min(c1, c2), max(c1, c2)
    return RefSpec(
        sheet,
        r1 if r1a else r1 - row,
        c1 if c1a else c1 - col,
        r2 if r2a else r2 - row,
        c2 if c2a else c2 - col,
        (r1a, c1a, r2a, c2a),
        single,
    )


def resolve(spec: RefSpec, row: int, col: int) -> tuple[int, int, int, int] | None:
    """Absolute (r1, c1, r2, c2) of a relative reference at (row, col); None when off-sheet."""
    ra, ca, rb, cb = spec.abs
    r1 = spec.r1 if ra else spec.r1 + row
    c1 = spec.c1 if ca else spec.c1 + col
    r2 = spec.r2 if rb else spec.r2 + row
    c2 = spec.c2 if cb else spec.c2 + col
    if r1 > r2:
        r1, r2 = r2, r1
    if c1 > c2:
        c1, c2 = c2, c1
    if r1 < 1 or c1 < 1 or r2 > MAX_ROW or c2 > MAX_COL:
        return None
    return r1, c1, r2, c2


_FUNC_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*\($")


def shape(text: str, row: int, col: int) -> tuple:
    """The formula's tokens with references made relative: equal for copies of a formula."""
    from openpyxl.formula.tokenizer import Tokenizer

    try:
        items = Tokenizer("=" + text).items
    except Exception as ex:  # noqa: BLE001 - any tokenizer failure: not for this engine
        raise Unsupported(f"无法解析公式 {text!r}: {ex}") from None
    out = []
    for t in items:
        typ, sub, val = t.type, t.subtype, t.value
        if typ == "WHITE-SPACE":
            continue
        if typ == "OPERAND" and sub == "RANGE":
            spec = parse_ref(val, row, col)
            if spec is not None:
                out.append(("REF", spec))
            elif _NAME.match(val) and "[" not in val:
                out.append(("NAME", val.upper()))
            else:
                raise Unsupported(f"引用 {val!r}")
        elif typ == "FUNC" and sub == "OPEN":
            if not _FUNC_NAME.match(val):
                raise Unsupported(f"函数 {val!r}")
            out.append(("FUNC", val[:-1].upper()))
        elif typ == "OPERAND":
            out.append((sub, val))
        else:
            out.append((typ + ":" + sub, val))
    return tuple(out)






# Cell references in formula text (outside string literals and quoted sheet names).
_TEXT_REFS = re.compile(
    r"""("(?:[^"]|"")*"|'(?:[^']|'')*')|(?<![A-Za-z0-9_.$\x00])(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![\w(])"""
)


def _pre_key(text: str, row: int, col: int) -> str:
    """The formula text with its cell references made relative, without tokenizing: two
    cells with the same pre-key have the same shape (a reference missed here only costs a
    second tokenization)."""

    def repl(m: re.Match) -> str:
        quoted, cabs, letters, rabs, digits = m.groups()
        if quoted:
            return quoted
        c = _letters_to_col(letters)
        cpart = f"C{c}" if cabs else f"c{c - col}"
        rpart = f"R{digits}" if rabs else f"r{int(digits) - row}"
        return f"\x00{cpart}{rpart}\x00"

    return _TEXT_REFS.sub(repl, text)
