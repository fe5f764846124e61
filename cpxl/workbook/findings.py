"""A check finding, located by sheet and cell."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    sheet: str
    cell: str
    severity: Severity
    rule: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        tag = "错误" if self.severity == "error" else "警告"
        return f"{where} — [{tag}] {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)
