"""Generated analysis for sections whose text the auditor has not written yet: what the data already says
(trends with percentages, balance deviations and loss points, targets met, option counts and totals),
so the draft report reads as a report. The exporter follows it with a visible 【待补充】 marker that
quotes the standard's requirement for the section.

Each function takes the :class:`Facts` of the export and returns paragraphs (plain strings). The module
named after a report kind (:data:`cpxl.tables.KINDS`) holds that report's ``SECTIONS``: section number →
function; :mod:`.phrases` holds the wording the modules share.
"""

from __future__ import annotations

import importlib

from .acceptance import *  # noqa: F403
from .audit import *  # noqa: F403
from .basis import *  # noqa: F403
from .facts import Facts, Gen
from .levels import *  # noqa: F403
from .park import *  # noqa: F403
from .phrases import *  # noqa: F403
from .region import *  # noqa: F403
from .summary import *  # noqa: F403


def sections(kind: str) -> dict[str, Gen]:
    """Section number → analysis function of the report `kind`: ``SECTIONS`` of the module of that name."""
    return importlib.import_module(f"{__name__}.{kind}").SECTIONS


def generate(kind: str, key: str, facts: Facts) -> list[str]:
    fn = sections(kind).get(key)
    if fn is None:
        return []
    try:
        return [p for p in fn(facts) if p]
    except (ValueError, KeyError, TypeError, ZeroDivisionError, AttributeError) as exc:  # analysis must not stop the export
        facts.d.note(f"第{key}节数据分析", exc)
        return []
