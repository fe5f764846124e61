"""The table registry: every table of every report kind, declared once (DESIGN.md)."""

from __future__ import annotations

import importlib
from functools import lru_cache

from .kinds import CONDITIONS, KINDS, Condition, Kind
from .model import EIGHT_CATEGORIES, Column, Field, Registry, Table


@lru_cache(maxsize=None)
def registry(kind: str) -> Registry:
    """All sheets of a `kind` workbook: the helper sheets, then its tables."""
    from .common import helper_tables

    if kind not in KINDS:
        raise ValueError(f"未知的工作簿类型“{kind}”，可选：{'、'.join(KINDS)}")
    tables = helper_tables(kind)
    for module, name in KINDS[kind].sources:
        mod = importlib.import_module(f"{__name__}.{module}")
        tables += [t for t in getattr(mod, name) if kind in t.kinds]
    return Registry(kind, tables)


__all__ = ["registry", "Registry", "Table", "Column", "Field", "EIGHT_CATEGORIES", "KINDS", "Kind", "CONDITIONS", "Condition"]
