"""Make N filled enterprise audit workbooks for the regional aggregation (the generator lives in
:mod:`cpxl.enterprises`, which `cpxl demo` also uses).

    python benchmarks/make_workbooks.py 300 OUT_DIR [--seed 1] [--base own|demo]
"""

from __future__ import annotations

import sys

from cpxl.enterprises import *  # noqa: F401,F403
from cpxl.enterprises import DEMO_VARY, Enterprise, Generator, demo_generator, demo_variant, main  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
