"""The derived tables (:class:`Derived`) and the helpers every derivation uses: a value that cannot be computed
from the inputs is left blank and the reason kept in :attr:`Derived.problems`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from cpxl.calc import parameters as P
from cpxl.workbook.read import Book, filled
from cpxl.workbook.read import as_number as num

Frame = pd.DataFrame


def text(value) -> str:
    return str(value).strip() if filled(value) else ""


@dataclass
class Derived:
    """The book's tables with computed columns, totals and form fields recomputed."""

    book: Book
    frames: dict[str, Frame] = field(default_factory=dict)
    totals: dict[str, dict[str, object]] = field(default_factory=dict)
    fields: dict[str, dict[str, object]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    params: object = None
    overrides: dict = field(default_factory=dict)
    done: bool = False
    _rows: dict[str, list[dict]] = field(default_factory=dict)
    _index: dict[str, tuple[Frame, dict]] = field(default_factory=dict)

    def frame(self, table_id: str) -> Frame:
        f = self.frames.get(table_id)
        return f if f is not None else pd.DataFrame()

    def rows(self, table_id: str) -> list[dict]:
        """Rows as dicts; cached once the derivation is complete (frames no longer change)."""
        cached = self._rows.get(table_id) if self.done else None
        if cached is not None:
            return cached
        f = self.frame(table_id)
        out = f.to_dict("records") if not f.empty else []
        if self.done:
            self._rows[table_id] = out
        return out

    def param(self, key: tuple[str, str]):
        return P.get(self.params, key)

    def output(self, i: int, product: str | None = None) -> float | None:
        """Output of year i (1..3) of `product` (default: the main product of 封面信息) from D.6."""
        if "D.6" not in self.frames:
            return None
        name = text(product) if product is not None else text(self.book.cover.get("main_product"))
        f = self.frame("D.6")
        if f.empty or not name:
            return None
        hit = f[f["product"].map(text) == name]
        vals = [num(x) for x in hit.get(f"output_{i}", [])]
        vals = [x for x in vals if x is not None]
        return sum(vals) if vals else None

    def note(self, where: str, exc: Exception) -> None:
        msg = f"{where}：{exc}"
        if msg not in self.problems:
            self.problems.append(msg)


def _sum_values(values) -> float | None:
    vals = [num(x) for x in values]
    vals = [x for x in vals if x is not None]
    return sum(vals) if vals else None


def _sum(f: Frame, key: str) -> float | None:
    return None if f.empty or key not in f else _sum_values(f[key])


def _set(f: Frame, idx, key: str, fn: Callable[[], object], d: Derived, where: str) -> None:
    try:
        value = fn()
    except (ValueError, ZeroDivisionError, TypeError) as exc:
        d.note(where, exc)
        value = None
    if key not in f:
        f[key] = None
    if f[key].dtype != object:
        f[key] = f[key].astype(object)
    f.at[idx, key] = value


def _row_label(f: Frame, idx, key: str) -> str:
    return text(f.at[idx, key]) if key in f else ""
