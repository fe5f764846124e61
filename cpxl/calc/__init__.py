"""Pure domain calculations of cleaner production audits: no Excel, no files.

One module per subject; every function states its formula, units and the standard clause it
implements, and raises ``ValueError`` with a Chinese message naming the bad argument.
"""

from . import balance, carbon, economics, energy, indicators, park, parameters, pollution, water  # noqa: F401

__all__ = ["balance", "carbon", "economics", "energy", "indicators", "park", "parameters", "pollution", "water"]
