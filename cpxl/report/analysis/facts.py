"""What the generated analysis may refer to: the export's derived data, the review years and the numbers
given to tables and figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..compute import Derived, filled


@dataclass
class Facts:
    """What the analysis may refer to: derived data, the review years and the numbers given to tables and
    figures (“表 4-3”) so sentences can point at them."""

    d: Derived
    kind: str
    years: tuple[int, int, int] | None
    labels: dict[str, str] = field(default_factory=dict)  # table id (or id#part) → “表 4-3”
    figures: dict[str, str] = field(default_factory=dict)  # figure key → “图 4-1”

    @property
    def cover(self):
        return self.d.book.cover

    def rows(self, table_id: str) -> list[dict]:
        """Rows that carry a value: the printed row labels (表D.18 工业废水/生活污水/合计, 表D.22 东厂界昼间 …)
        and the sequence number alone are not data."""
        try:
            labels = set(self.d.book.registry[table_id].row_keys)
        except (KeyError, AttributeError):
            labels = set()
        skip = {"_row", "_section", "no", *labels}
        return [r for r in self.d.rows(table_id) if any(filled(v) for k, v in r.items() if k not in skip)]

    def see(self, *keys: str) -> str:
        found = [self.labels.get(k) or self.figures.get(k) for k in keys]
        found = [x for x in found if x]
        return f"（见{'、'.join(found)}）" if found else ""

    def y(self, i: int) -> str:
        return f"{self.years[i - 1]}年" if self.years else f"第{i}年"


#: A section's analysis: the export's facts → paragraphs.
Gen = Callable[[Facts], list[str]]


__all__ = ["Facts", "Gen"]
