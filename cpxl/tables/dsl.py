"""Short constructors that keep the table declarations close to how the standards print them."""

from __future__ import annotations

from .model import Column, Field

YEARS = ("{y1}年", "{y2}年", "{y3}年")


def text(key: str, label: str, **kw) -> Column:
    return Column(key, label, **kw)


def num(key: str, label: str, unit: str = "", **kw) -> Column:
    return Column(key, label, unit=unit, type=kw.pop("type", "number"), **kw)


def date(key: str, label: str, **kw) -> Column:
    return Column(key, label, type="date", **kw)


def choice(key: str, label: str, choices: tuple[str, ...], **kw) -> Column:
    return Column(key, label, choices=tuple(choices), **kw)


def seq() -> Column:
    return Column("no", "序号", width=6)


def years(
    prefix: str, group: tuple[str, ...], unit: str = "", formula: str | None = None, cp: str | None = None, **kw
) -> list[Column]:
    """Three review-period year columns (审核考察期, DB4101/T 61 3.9) under `group`: keys prefix_1..3.

    `formula` and `cp` templates may use ``{i}`` (1..3) besides the usual placeholders.
    """
    return [
        Column(
            f"{prefix}_{i}",
            YEARS[i - 1],
            unit=unit,
            type="number",
            group=group,
            formula=formula.replace("{i}", str(i)) if formula else None,
            cp=cp.replace("{i}", str(i)) if cp else None,
            **kw,
        )
        for i in (1, 2, 3)
    ]


def fld(key: str, label: str, type: str = "text", **kw) -> Field:
    return Field(key, label, type=type, **kw)


YES_NO = ("是", "否")
HAVE = ("有", "无")
