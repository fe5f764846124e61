"""This computer: Excel's start-up folder, this Python as the add-in records it, the xlwings user config.

Everything that depends on the platform asks :func:`sys_platform`, so a test can stand in another one.
"""

from __future__ import annotations

import locale
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from cpxl.safeio import atomic_path


def sys_platform() -> str:
    """`sys.platform`: "win32", "darwin", "linux", …"""
    return sys.platform


def startup_dir() -> Path | None:
    """Excel's per-user start-up folder (XLSTART): files there open with Excel. None where Excel is not."""
    platform = sys_platform()
    if platform.startswith("win"):
        appdata = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if platform == "darwin":
        return (
            Path.home() / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized"
            / "Startup.localized" / "Excel"
        )
    return None


def user_config_file() -> Path:
    """The xlwings user config file (as `xlwings.USER_CONFIG_FILE`, but following HOME at call time)."""
    if sys_platform() == "darwin":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return Path.home() / ".xlwings" / "xlwings.conf"


def interpreter_settings() -> list[tuple[str, str]]:
    """This Python, as xlwings' own `config create` records it: a conda env on Windows by path and name,
    otherwise the interpreter's full path."""
    platform = sys_platform()
    conda_env, conda_exe = os.environ.get("CONDA_DEFAULT_ENV"), os.environ.get("CONDA_EXE")
    if platform.startswith("win") and conda_env and conda_exe:
        conda_path = os.path.sep.join(conda_exe.split(os.path.sep)[:-2])
        return [("Conda Path", conda_path), ("Conda Env", conda_env)]
    key = "Interpreter_Mac" if platform == "darwin" else "Interpreter_Win"
    return [(key, sys.executable)]


_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


def _config_encoding() -> str:
    # VBA reads the file in the system code page; xlwings writes it with Python's default encoding.
    return locale.getpreferredencoding(False) or "utf-8"


def update_user_config(path: Path, settings: Sequence[tuple[str, str]], *, add_module: str | None = None,
                       drop_module: str | None = None) -> list[str]:
    """Set `settings` in an xlwings config file ("KEY","value" lines), add or drop one UDF module from
    "UDF MODULES", keep every other line as it is; written atomically. Returns the replaced lines."""
    encoding = _config_encoding()
    lines = path.read_text(encoding, errors="surrogateescape").splitlines() if path.exists() else []
    wanted = {key.upper(): (key.upper(), value) for key, value in settings}
    replaced: list[str] = []
    out: list[str] = []
    modules_seen = False
    done: set[str] = set()
    for line in lines:
        m = _LINE.match(line)
        key = m.group(1).upper() if m else None
        if key in done:  # a repeated key: VBA reads the first, xlwings' Python the last; keep one
            replaced.append(line)
        elif key in wanted:
            new = '"{}","{}"'.format(*wanted.pop(key))
            done.add(key)
            if new != line:
                replaced.append(line)
            out.append(new)
        elif key == "UDF MODULES":
            modules_seen = True
            modules = [s for s in m.group(2).split(";") if s.strip()]
            if add_module and add_module not in modules:
                modules.append(add_module)
            if drop_module:
                modules = [s for s in modules if s != drop_module]
            if modules:
                out.append(f'"{m.group(1)}","{";".join(modules)}"')
        else:
            out.append(line)
    out += ['"{}","{}"'.format(*item) for item in wanted.values()]
    if add_module and not modules_seen:
        out.append(f'"UDF MODULES","{add_module}"')
    if out != lines:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, force=True) as tmp:
            tmp.write_text("".join(f"{line}\n" for line in out), encoding, errors="surrogateescape")
    return replaced


def xlwings_version() -> str:
    """The xlwings version in this Python."""
    import xlwings

    return xlwings.__version__


def mac_runpython_script() -> tuple[Path, Path] | None:
    """On macOS, RunPython goes through an AppleScript that must sit in Excel's script folder."""
    import xlwings

    name = f"xlwings-{xlwings.__version__}.applescript"
    source = Path(xlwings.__file__).resolve().parent / name
    target = Path.home() / "Library" / "Application Scripts" / "com.microsoft.Excel" / name
    return (source, target) if source.exists() else None
