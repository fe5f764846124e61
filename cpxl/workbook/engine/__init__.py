"""Headless calculation of a workbook's formulas (``cpxl calc``).

:func:`calc_workbook` computes every formula and writes a copy with the values cached;
:func:`evaluate_values` returns them. The fast engine (:mod:`.fast`: one compiled Python
function per formula shape, the native functions in :mod:`.maths`, :mod:`.logic`,
:mod:`.criteria`, :mod:`.lookup`, :mod:`.finance`, :mod:`.text`) computes first; a workbook
with anything it does not handle is computed whole by the `formulas` package
(:mod:`.formulas_engine`). :mod:`.writer` writes the cached values.
"""

from .calc import ENGINES, CalcResult, EvaluateError, calc_workbook, evaluate_values
from .formula_text import normalize_formula
from .values import CellError

__all__ = [
    "ENGINES",
    "CalcResult",
    "CellError",
    "EvaluateError",
    "calc_workbook",
    "evaluate_values",
    "normalize_formula",
]
