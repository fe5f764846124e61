"""The jinja environment report templates are rendered in: sandboxed, autoescaping, and bounded.

A report template may come from anyone (``cpxl export --template``). jinja's sandbox already keeps a
template away from Python's internals; it does not stop a template from asking for a lot: ``'x' * 10**9``,
``(('a' * 100000) | list) | join('b' * 100000)`` (10 GB), ``'x' | center(10**9)``, or loops over ``range``
nested until the render never ends. Here every operation a template can use to make something large is
checked *before* it is made:

* ``*``, ``+``, ``%`` and ``**`` (intercepted binary operators; jinja then folds no constants either), the
  ``~`` concatenation, and the methods of ``str`` and ``list`` that grow their result (``ljust``, ``center``,
  ``zfill``, ``expandtabs``, ``replace``, ``join``, ``format``, ``append``, ``extend`` …);
* the filters that can multiply their input (``join``, ``center``, ``indent``, ``replace``, ``format``,
  ``batch``, ``slice``, ``wordwrap``, ``tojson``), and every filter's result afterwards;
* ``range``: at most :data:`MAX_SEQUENCE` numbers per call and :data:`MAX_RANGE_TOTAL` over the whole
  render, so nested loops end; ``lipsum`` is not offered;
* ``|safe`` escapes like any other value: a template cannot write raw XML into the report.

A refusal raises :class:`TemplateLimit` (a jinja ``SecurityError``) with a Chinese message. What a check
cannot foresee is bounded by the process the render runs in (time and address-space limits, see
:mod:`cpxl.report.export`).
"""

from __future__ import annotations

import math
import re
import types
from functools import update_wrapper
from string import Formatter

from jinja2 import filters as jf
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import escape

MAX_STRING = 2_000_000  # characters of one string a template expression makes
MAX_SEQUENCE = 200_000  # items of one list, tuple or range a template makes
MAX_RANGE_TOTAL = 2_000_000  # numbers all calls of range() give over one render
MAX_INT_BITS = 100_000  # an integer of about 30 000 digits
MAX_INDENT = 1_000  # indent width of tojson


class TemplateLimit(SecurityError):
    """A template asked for more than the limits allow."""


def _too_long(n: int, what: str = "文字") -> TemplateLimit:
    return TemplateLimit(f"模板中的表达式将生成 {n:,} 个字符的{what}（上限 {MAX_STRING:,}）")


def _too_many(n: int) -> TemplateLimit:
    return TemplateLimit(f"模板中的表达式将生成 {n:,} 项的序列（上限 {MAX_SEQUENCE:,}）")


def _is_text(x) -> bool:
    return isinstance(x, (str, bytes, bytearray))


def _is_seq(x) -> bool:
    return isinstance(x, (list, tuple))


def check_size(value):
    """`value` if it is within the limits (strings, byte strings, lists, tuples, integers)."""
    if _is_text(value):
        if len(value) > MAX_STRING:
            raise _too_long(len(value))
    elif _is_seq(value):
        if len(value) > MAX_SEQUENCE:
            raise _too_many(len(value))
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise TemplateLimit(f"模板中的表达式将生成 {value.bit_length():,} 位的整数（上限 {MAX_INT_BITS:,}）")
    return value


def _count(n) -> int:
    """A repetition count as an int (what `seq * n` would use); 0 when it is not one."""
    if isinstance(n, bool) or not isinstance(n, int):
        return 0
    return max(n, 0)


# ---- format strings ------------------------------------------------------------------------------------

_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")


def _check_percent(fmt: str) -> None:
    """``'%10000000000s' % x`` would allocate the width: widths and precisions are bounded, ``*`` refused."""
    for m in _PERCENT.finditer(fmt):
        for part in (m[1], m[2]):
            if part == "*":
                raise TemplateLimit("模板中的 % 格式不允许用 * 指定宽度")
            if part and int(part) > MAX_STRING:
                raise _too_long(int(part))


def _check_format(fmt: str) -> None:
    """``'{:>10000000000}'.format(x)``: the same for str.format; nested fields in a spec are refused."""
    try:
        fields = list(Formatter().parse(fmt))
    except ValueError:
        return  # format() raises the same error
    for _literal, _name, spec, _conv in fields:
        if not spec:
            continue
        if "{" in spec:
            raise TemplateLimit("模板中的格式说明不允许嵌套 { }（动态宽度）")
        for number in re.findall(r"\d+", spec):
            if int(number) > MAX_STRING:
                raise _too_long(int(number))


# ---- binary operators ----------------------------------------------------------------------------------


def _check_binop(op: str, left, right) -> None:
    if op == "*":
        for seq, n in ((left, right), (right, left)):
            if _is_text(seq) and len(seq) * _count(n) > MAX_STRING:
                raise _too_long(len(seq) * _count(n))
            if _is_seq(seq) and len(seq) * _count(n) > MAX_SEQUENCE:
                raise _too_many(len(seq) * _count(n))
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise TemplateLimit(f"模板中的乘法将生成超过 {MAX_INT_BITS:,} 位的整数")
    elif op == "+":
        if _is_text(left) and _is_text(right) and len(left) + len(right) > MAX_STRING:
            raise _too_long(len(left) + len(right))
        if _is_seq(left) and _is_seq(right) and len(left) + len(right) > MAX_SEQUENCE:
            raise _too_many(len(left) + len(right))
    elif op == "%":
        if isinstance(left, str):
            _check_percent(left)
    elif op == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            if right * math.log2(abs(left)) > MAX_INT_BITS:
                raise TemplateLimit(f"模板中的乘方将生成超过 {MAX_INT_BITS:,} 位的整数")


# ---- calls of methods ----------------------------------------------------------------------------------


def _joined_length(items, sep) -> int:
    n = len(items)
    return sum(len(x) if _is_text(x) else len(str(x)) for x in items) + len(sep) * max(n - 1, 0)


def _as_items(value) -> list:
    """An iterable as a list, refused before it grows beyond MAX_SEQUENCE."""
    if _is_seq(value):
        check_size(value)
        return list(value)
    out = []
    for x in value:
        out.append(x)
        if len(out) > MAX_SEQUENCE:
            raise _too_many(len(out))
    return out


def _replaced_length(s, old, new, count=-1) -> int:
    hits = s.count(old) if old else len(s) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(s) + hits * (len(new) - len(old))


def _check_method(obj, args, kwargs) -> None:
    """Methods of str, bytes and list that can make their result much larger than their input."""
    if not isinstance(obj, (types.BuiltinMethodType, types.MethodType)):
        return
    owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if _is_text(owner):
        if name in ("ljust", "rjust", "center", "zfill"):
            width = args[0] if args else kwargs.get("width", 0)
            if _count(width) > MAX_STRING:
                raise _too_long(width)
        elif name == "expandtabs":
            size = args[0] if args else kwargs.get("tabsize", 8)
            tabs = owner.count("\t" if isinstance(owner, str) else b"\t")
            if len(owner) + tabs * _count(size) > MAX_STRING:
                raise _too_long(len(owner) + tabs * _count(size))
        elif name == "replace" and len(args) >= 2 and _is_text(args[0]) and _is_text(args[1]):
            n = _replaced_length(owner, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1))
            if n > MAX_STRING:
                raise _too_long(n)
        elif name == "join" and args:
            items = _as_items(args[0])
            if _joined_length(items, owner) > MAX_STRING:
                raise _too_long(_joined_length(items, owner))
            args[0:1] = [items]  # the caller passes a list it owns
    elif isinstance(owner, list):
        if name in ("append", "insert") and len(owner) + 1 > MAX_SEQUENCE:
            raise _too_many(len(owner) + 1)
        if name == "extend" and args:
            items = _as_items(args[0])
            if len(owner) + len(items) > MAX_SEQUENCE:
                raise _too_many(len(owner) + len(items))
            args[0:1] = [items]


# ---- filters ------------------------------------------------------------------------------------------


def _bounded_filters(env) -> dict:
    """Replacements of the filters that can multiply their input, each checking before it works."""

    @jf.pass_eval_context
    def join(eval_ctx, value, d="", attribute=None):
        items = _as_items(value)
        if attribute is None and _joined_length(items, str(d)) > MAX_STRING:
            raise _too_long(_joined_length(items, str(d)))
        return check_size(jf.do_join(eval_ctx, items, d, attribute))

    def center(value, width=80):
        if _count(width) > MAX_STRING:
            raise _too_long(width)
        return jf.do_center(value, width)

    def indent(s, width=4, first=False, blank=False):
        s = str(s)
        unit = width if isinstance(width, str) else " " * min(_count(width), MAX_STRING + 1)
        n = len(s) + (s.count("\n") + 1) * len(unit)
        if n > MAX_STRING:
            raise _too_long(n)
        return jf.do_indent(s, width, first, blank)

    @jf.pass_eval_context
    def replace(eval_ctx, s, old, new, count=None):
        n = _replaced_length(str(s), str(old), str(new), -1 if count is None else count)
        if n > MAX_STRING:
            raise _too_long(n)
        return jf.do_replace(eval_ctx, s, old, new, count)

    def format_(value, *args, **kwargs):
        _check_percent(str(value))
        return check_size(jf.do_format(value, *args, **kwargs))

    def batch(value, linecount, fill_with=None):
        if _count(linecount) > MAX_SEQUENCE:
            raise _too_many(linecount)
        return jf.do_batch(_as_items(value), linecount, fill_with)

    def slice_(value, slices, fill_with=None):
        if _count(slices) > MAX_SEQUENCE:
            raise _too_many(slices)
        return jf.sync_do_slice(_as_items(value), slices, fill_with)

    @jf.pass_environment
    def wordwrap(environment, s, width=79, break_long_words=True, wrapstring=None, break_on_hyphens=True):
        s = str(s)
        lines = len(s) // max(_count(width), 1) + s.count("\n") + 1
        if wrapstring is not None and lines * len(str(wrapstring)) + len(s) > MAX_STRING:
            raise _too_long(lines * len(str(wrapstring)) + len(s))
        return jf.do_wordwrap(environment, s, width, break_long_words, wrapstring, break_on_hyphens)

    @jf.pass_eval_context
    def tojson(eval_ctx, value, indent=None):
        if indent is not None and (not isinstance(indent, int) or indent > MAX_INDENT):
            raise TemplateLimit(f"tojson 的缩进过大（上限 {MAX_INDENT}）")
        return check_size(jf.do_tojson(eval_ctx, value, indent))

    def safe(value):  # a template cannot insert raw XML into the report
        return escape(value)

    return {"join": join, "center": center, "indent": indent, "replace": replace, "format": format_, "batch": batch,
            "slice": slice_, "wordwrap": wordwrap, "tojson": tojson, "safe": safe}


def _checked_filter(fn):
    """Any other filter, its result checked (a list or string it returns is already made: the checks before
    the work are those of the filters above)."""
    def call(*args, **kwargs):
        return check_size(fn(*args, **kwargs))

    wrapper = update_wrapper(call, fn)
    for attr in ("jinja_pass_arg",):  # pass_context / pass_eval_context / pass_environment markers
        if hasattr(fn, attr):
            setattr(wrapper, attr, getattr(fn, attr))
    return wrapper


# ---- the ~ operator ------------------------------------------------------------------------------------


class _BoundedCodeGenerator(CodeGenerator):
    """Compiles ``a ~ b`` to a call that checks the joined length (jinja joins the parts in place)."""

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.bounded_concat(")
        super().visit_Concat(node, frame)
        self.write(")")


# ---- the environment -----------------------------------------------------------------------------------


class BoundedEnvironment(SandboxedEnvironment):
    """jinja's sandbox with bounded sizes (see the module's description)."""

    intercepted_binops = frozenset({"*", "+", "%", "**"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.range_left = MAX_RANGE_TOTAL
        self.globals.pop("lipsum", None)
        self.globals["range"] = self.bounded_range
        for name, fn in list(self.filters.items()):
            self.filters[name] = _checked_filter(fn)
        self.filters.update(_bounded_filters(self))
        self.filters["e"] = self.filters["escape"] = escape
        self.filters["forceescape"] = jf.do_forceescape

    def bounded_range(self, *args) -> range:
        rng = range(*args)
        if len(rng) > MAX_SEQUENCE:
            raise TemplateLimit(f"模板中的 range() 有 {len(rng):,} 项（上限 {MAX_SEQUENCE:,}）")
        self.range_left -= len(rng)
        if self.range_left < 0:
            raise TemplateLimit(f"模板中的循环次数过多：range() 共生成超过 {MAX_RANGE_TOTAL:,} 个数（嵌套循环？）")
        return rng

    def bounded_concat(self, value):
        return check_size(value)

    def call_binop(self, context, operator, left, right):
        _check_binop(operator, left, right)
        return check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: PYI063 - jinja's signature
        args = list(args)
        _check_method(__obj, args, kwargs)
        return check_size(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value):
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = value.__self__

        def checked(*args, **kwargs):
            _check_format(fmt)
            return check_size(wrapped(*args, **kwargs))

        return update_wrapper(checked, value)


def bounded_env(**kwargs) -> BoundedEnvironment:
    return BoundedEnvironment(**kwargs)


__all__ = [
    "MAX_RANGE_TOTAL",
    "MAX_SEQUENCE",
    "MAX_STRING",
    "BoundedEnvironment",
    "TemplateLimit",
    "bounded_env",
    "check_size",
]
