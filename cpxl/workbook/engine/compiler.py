"""Formula tokens to a syntax tree, and the tree to one compiled Python function per shape.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from . import criteria, finance, logic, lookup, maths, text  # noqa: F401 - they register their functions
from .formula_text import OMITTED
from .operators import BINARY, _elementwise, _elementwise1, _neg, _pct
from .references import RefSpec
from .registry import ARRAY_ARGS, ELEMENTWISE, FUNCTIONS, INLINE, SCALAR_ARGS
from .sheets import Book
from .values import (
    _CURRENT,
    _ERROR_BY_TEXT,
    _MISSING,
    E_NAME,
    E_REF,
    Area,
    CellError,
    Unsupported,
    _scalar,
    _truth,
    final_value,
)

_INFIX_PREC = {
    "=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1,
    "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5,
}


_PREFIX_PREC = 7  # negation binds tighter than ^ in Excel (=-2^2 is 4)

_POSTFIX_PREC = 6


class _Parser:
    def __init__(self, tokens: tuple):
        self.toks = tokens
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def parse(self):
        node = self.expr(0)
        if self.i != len(self.toks):
            raise Unsupported(f"多余的记号 {self.peek()!r}")
        return node

    def expr(self, min_prec: int):
        left = self.prefix()
        while True:
            typ, val = self.peek()
            if typ == "OPERATOR-POSTFIX:" and val == "%":
                if _POSTFIX_PREC < min_prec:
                    break
                self.take()
                left = ("pct", left)
                continue
            if typ == "OPERATOR-INFIX:" and val in _INFIX_PREC:
                prec = _INFIX_PREC[val]
                if prec < min_prec:
                    break
                self.take()
                right = self.expr(prec + 1)  # all binary operators are left-associative
                left = ("bin", val, left, right)
                continue
            if typ == "OPERATOR-INFIX:":
                raise Unsupported(f"运算符 {val!r}")
            break
        return left

    def prefix(self):
        typ, val = self.take()
        if typ == "OPERATOR-PREFIX:":
            operand = self.expr(_PREFIX_PREC)
            return ("neg", operand) if val == "-" else ("pos", operand)
        if typ == "NUMBER":
            return ("num", float(val))
        if typ == "TEXT":
            return ("str", val[1:-1].replace('""', '"'))
        if typ == "LOGICAL":
            return ("bool", val.upper() == "TRUE")
        if typ == "ERROR":
            if val.upper() not in _ERROR_BY_TEXT:
                raise Unsupported(f"错误值 {val!r}")
            return ("err", val.upper())
        if typ == "REF":
            return ("ref", val)
        if typ == "NAME":
            return ("name", val)
        if typ == "PAREN:OPEN":
            node = self.expr(0)
            if self.take()[0] != "PAREN:CLOSE":
                raise Unsupported("括号不匹配")
            return node
        if typ == "FUNC":
            return self.call(val)
        if typ == "ARRAY:OPEN":
            return self.array()
        raise Unsupported(f"记号 {typ} {val!r}")

    def call(self, name: str):
        args = []
        if self.peek()[0] == "FUNC:CLOSE":
            self.take()
            return ("call", name, args)
        while True:
            typ, _ = self.peek()
            if typ in ("SEP:ARG", "FUNC:CLOSE"):
                args.append(("miss",))
            else:
                args.append(self.expr(0))
            typ, val = self.take()
            if typ == "SEP:ARG":
                continue
            if typ == "FUNC:CLOSE":
                return ("call", name, args)
            raise Unsupported(f"函数参数中的记号 {typ} {val!r}")

    def array(self):
        rows, row = [], []
        while True:
            typ, val = self.take()
            sign = 1.0
            if typ == "OPERATOR-PREFIX:" and val == "-":
                sign = -1.0
                typ, val = self.take()
            if typ == "NUMBER":
                row.append(sign * float(val))
            elif typ == "TEXT":
                row.append(val[1:-1].replace('""', '"'))
            elif typ == "LOGICAL":
                row.append(val.upper() == "TRUE")
            elif typ == "ERROR" and val.upper() in _ERROR_BY_TEXT:
                row.append(_ERROR_BY_TEXT[val.upper()])
            else:
                raise Unsupported("数组常量")
            typ, _ = self.take()
            if typ == "SEP:ARG":
                continue
            if typ == "SEP:ROW":
                rows.append(row)
                row = []
                continue
            if typ == "ARRAY:CLOSE":
                rows.append(row)
                if len({len(r) for r in rows}) != 1:
                    raise Unsupported("数组常量")
                return ("arr", rows)
            raise Unsupported("数组常量")


_OPS = {"+": "_add", "-": "_sub", "*": "_mul", "/": "_div", "^": "_pow", "&": "_cat",
        "=": "_eq", "<>": "_ne", "<": "_lt", "<=": "_le", ">": "_gt", ">=": "_ge"}


class _CodeGen:
    """Python source of one formula shape's value, an expression of the sheet id ``s`` and
    the cell's row ``r`` and column ``c``."""

    def __init__(self, book: "Book"):
        self.book = book
        self.consts: list[Any] = []
        self.temps = 0

    def const(self, value) -> str:
        self.consts.append(value)
        return f"K[{len(self.consts) - 1}]"

    def sheet_expr(self, sheet: str | None) -> str | None:
        if sheet is None:
            return "s"
        sid = self.book.sheet_ids.get(sheet)
        return None if sid is None else str(sid)

    def ref(self, spec: RefSpec, ctx: str) -> str:
        """ctx: "scalar" (a value), "value" (cell value, or Area for a block), "ref" (Area)."""
        sid = self.sheet_expr(spec.sheet)
        if sid is None:
            return self.const(E_REF)
        ra, ca, rb, cb = spec.abs

        def pos(n, absolute, var):
            if absolute:
                return str(n)
            if n == 0:
                return var
            return f"{var}+{n}" if n > 0 else f"{var}-{-n}"

        r1, c1 = pos(spec.r1, ra, "r"), pos(spec.c1, ca, "c")
        if spec.single and ctx != "ref":
            return f"V[{sid}].get(({r1},{c1}))"
        r2, c2 = pos(spec.r2, rb, "r"), pos(spec.c2, cb, "c")
        area = f"A({sid},{r1},{c1},{r2},{c2})"
        return f"_scalar({area})" if ctx == "scalar" else area

    def name(self, name: str, ctx: str) -> str:
        target = self.book.name_value(name)
        if isinstance(target, tuple):  # (sheet upper, r1, c1, r2, c2)
            sheet, r1, c1, r2, c2 = target
            spec = RefSpec(sheet, r1, c1, r2, c2, (True,) * 4, (r1, c1) == (r2, c2))
            return self.ref(spec, ctx)
        return self.const(target)

    def gen(self, node, ctx: str = "scalar", array: bool = False) -> str:
        kind = node[0]
        if kind == "num":
            return repr(node[1])
        if kind == "str":
            return repr(node[1])
        if kind == "bool":
            return repr(node[1])
        if kind == "err":
            return self.const(_ERROR_BY_TEXT[node[1]])
        if kind == "miss":
            return "None"
        if kind == "ref":
            return self.ref(node[1], "ref" if array else ctx)
        if kind == "name":
            return self.name(node[1], "ref" if array else ctx)
        if kind == "arr":
            rows = node[1]
            return self.const(Area(rows, len(rows), len(rows[0])))
        if kind == "neg":
            inner = self.gen(node[1], "ref" if array else "scalar", array)
            return f"_elementwise1(_neg,{inner})" if array else f"_neg({inner})"
        if kind == "pos":
            return self.gen(node[1], ctx, array)
        if kind == "pct":
            inner = self.gen(node[1], "ref" if array else "scalar", array)
            return f"_elementwise1(_pct,{inner})" if array else f"_pct({inner})"
        if kind == "bin":
            op = _OPS[node[1]]
            sub = "ref" if array else "scalar"
            a, b = self.gen(node[2], sub, array), self.gen(node[3], sub, array)
            return f"_elementwise({op},{a},{b})" if array else f"{op}({a},{b})"
        if kind == "call":
            return self.call(node[1], node[2], ctx, array)
        raise Unsupported(f"节点 {kind}")

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def call(self, name: str, args: list, ctx: str, array: bool) -> str:
        for prefix in ("_XLFN._XLWS.", "_XLFN.", "_XLWS."):
            if name.startswith(prefix) and name[len(prefix):] in FUNCTIONS | dict.fromkeys(INLINE):
                name = name[len(prefix):]
        if array and name not in ("SUMPRODUCT",) and name.startswith("CP_"):
            raise Unsupported("数组运算中的 CP 函数")
        if name in INLINE:
            if array:
                raise Unsupported(f"数组运算中的 {name}")
            return self.inline(name, args, ctx)
        if name.startswith("CP_"):
            return self.cp_call(name, args)
        f = FUNCTIONS.get(name)
        if f is None:
            raise Unsupported(f"函数 {name}")
        if array and name in ELEMENTWISE and len(args) == 1 and args[0][0] != "miss":
            return f"_elementwise1(F_{_ident(name)},{self.gen(args[0], 'ref', True)})"
        if array and name not in ARRAY_ARGS:
            raise Unsupported(f"数组运算中的 {name}")
        in_array = name in ARRAY_ARGS
        scalar = () if in_array else SCALAR_ARGS.get(name, ())
        parts = []
        for k, a in enumerate(args):
            if a[0] == "miss":
                parts.append("_MISSING")
            else:
                parts.append(self.gen(a, "scalar") if k in scalar else self.gen(a, "ref", in_array))
        return f"F_{_ident(name)}({','.join(parts)})"

    def inline(self, name: str, args: list, ctx: str) -> str:
        def branch(node):
            return "None" if node[0] == "miss" else self.gen(node, "value")

        if name == "IF":
            if not 1 <= len(args) <= 3:
                raise Unsupported("IF 参数个数")
            t = self.temp()
            cond = self.gen(args[0], "scalar")
            yes = branch(args[1]) if len(args) > 1 else "True"
            no = branch(args[2]) if len(args) > 2 else "False"
            return f"(({yes}) if ({t}:=_truth({cond})) is True else (({no}) if {t} is False else {t}))"
        if len(args) != 2:
            raise Unsupported(f"{name} 参数个数")
        t = self.temp()
        value = branch(args[0])
        alt = branch(args[1])
        if name == "IFERROR":
            return f"(({alt}) if type({t}:=_scalar({value})) is CellError else {t})"
        return f"(({alt}) if ({t}:=_scalar({value})) == '#N/A' and type({t}) is CellError else {t})"

    def cp_call(self, name: str, args: list) -> str:
        func = self.book.cp_function(name)
        if func is None:
            return self.const(E_NAME)
        parts = []
        for a in args:
            parts.append("_OMITTED" if a[0] == "miss" else self.gen(a, "ref"))
        return f"{self.const(func)}({','.join(parts)})"


def _ident(name: str) -> str:
    return re.sub(r"\W", "_", name)


_NAMESPACE = {
    "CUR": _CURRENT, "_final": final_value,
    "_scalar": _scalar, "_truth": _truth, "CellError": CellError, "_MISSING": _MISSING,
    "_elementwise": _elementwise, "_elementwise1": _elementwise1, "_neg": _neg, "_pct": _pct,
    **{name: BINARY[op] for op, name in _OPS.items()},
    **{f"F_{_ident(k)}": f for k, f in FUNCTIONS.items()},
}


def compile_shape(book: "Book", tokens: tuple) -> Callable:
    """The function computing one formula shape's copies: ``run(s, c, rows, out, name)``
    computes the cells of column ``c`` of sheet ``s`` in ``rows``, one after the other (a
    copy may read the one above), writes each value into the book and into ``out`` under
    ``(name, row, c)``, and keeps the row being computed in ``_CURRENT[1]``."""
    try:
        tree = _Parser(tokens).parse()
        gen = _CodeGen(book)
        body = gen.gen(tree, "value")
        source = (
            "def run(s, c, rows, out, name):\n"
            "    cells = V[s]\n"
            "    for r in rows:\n"
            "        CUR[1] = r\n"
            f"        v = {body}\n"
            "        if type(v) is not float or v - v != 0.0:  # not a finite number\n"
            "            v = _final(v)\n"
            "        cells[(r, c)] = v\n"
            "        out[(name, r, c)] = v\n"
        )
        ns = dict(_NAMESPACE, K=gen.consts, V=book._values, A=book.area, _OMITTED=OMITTED)
        exec(compile(source, "<formula>", "exec"), ns)  # noqa: S102 - our own generated code
    except Unsupported:
        raise
    except (RecursionError, SyntaxError, MemoryError, ValueError, IndexError, TypeError) as ex:
        raise Unsupported(f"公式过于复杂：{type(ex).__name__}") from None
    return ns["run"]
