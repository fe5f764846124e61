"""Tools and modules some tests need (LibreOffice, poppler, oletools, msoffcrypto).

On a developer's machine without them such a test is skipped, with the reason; in CI (the environment
variable ``CI`` set, as `.ci/run` does) it fails instead, so that nothing is skipped silently there.
Call these inside the test (or its fixture), not at import time.
"""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing(reason: str):
    if in_ci():
        pytest.fail(f"CI must provide this: {reason}", pytrace=False)
    pytest.skip(reason)


def requires(program: str, *alternatives: str) -> str:
    """The path of `program` (or of the first of `alternatives` found on PATH)."""
    for name in (program, *alternatives):
        if found := shutil.which(name):
            return found
    _missing(f"program {' / '.join((program, *alternatives))} is not installed")


def requires_module(name: str) -> ModuleType:
    """The imported module `name` (e.g. ``oletools.olevba``)."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        _missing(f"module {name} is not installed ({exc})")
