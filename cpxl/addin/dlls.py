"""xlwings' DLL on Windows: found in this Python's installation and put where the add-in's VBA loads it from.

:func:`plan_dlls` decides everything before :func:`apply_dlls` changes anything.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cpxl.addin import computer
from cpxl.errors import CpxlError
from cpxl.safeio import atomic_path


def dll_names(version: str) -> tuple[str, str]:
    """The DLLs the add-in's VBA declares (`Declare ... Lib "xlwings64-<version>.dll"`; 32-bit Office
    uses the other)."""
    return (f"xlwings64-{version}.dll", f"xlwings32-{version}.dll")


def _dll_search_dirs() -> list[Path]:
    """Where pip, conda or a virtualenv may have put xlwings' DLLs (its wheel installs them as data files,
    i.e. into the installation's data folder: sys.prefix, or the user base with pip --user)."""
    import site
    import sysconfig

    dirs = [Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).parent]
    for scheme in sysconfig.get_scheme_names():
        try:
            dirs.append(Path(sysconfig.get_path("data", scheme)))
        except (KeyError, ValueError):
            continue
    if getattr(site, "USER_BASE", None):
        dirs.append(Path(site.USER_BASE))
    try:
        import xlwings

        dirs.append(Path(xlwings.__file__).resolve().parent)
    except ImportError:
        pass
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def find_xlwings_dlls(version: str | None = None) -> dict[str, Path]:
    """xlwings' DLLs for `version` on this computer, by name: first the files xlwings' own installation
    record lists, then the usual data folders."""
    names = dll_names(version or computer.xlwings_version())
    found: dict[str, Path] = {}
    try:
        from importlib.metadata import PackageNotFoundError, distribution

        try:
            dist = distribution("xlwings")
            for f in dist.files or []:
                if f.name in names:
                    path = Path(dist.locate_file(f)).resolve()
                    if path.is_file():
                        found.setdefault(f.name, path)
        except PackageNotFoundError:
            pass
    except ImportError:  # pragma: no cover
        pass
    for folder in _dll_search_dirs():
        for name in names:
            if name not in found and (folder / name).is_file():
                found[name] = folder / name
    return found


def vba_interpreter(settings: Sequence[tuple[str, str]]) -> Path | None:
    """The interpreter path the add-in's VBA (`XLPyLoadDLL`) derives from the settings `install` writes."""
    values = {key.upper(): value for key, value in settings}
    if values.get("INTERPRETER_WIN"):
        return Path(values["INTERPRETER_WIN"])
    conda_path, conda_env = values.get("CONDA PATH"), values.get("CONDA ENV")
    if conda_path and conda_env:
        if conda_env == "base":
            return Path(conda_path) / "pythonw"
        if "\\" in conda_env or "/" in conda_env:
            return Path(conda_env) / "pythonw"
        return Path(conda_path) / "envs" / conda_env / "pythonw"
    return None


def dll_folders(interpreter: Path) -> list[Path]:
    """Where the VBA loads the DLL from, in its order: the interpreter's folder (standard installation),
    then its parent (virtualenv: python.exe in Scripts, the DLL in the environment's root)."""
    return [interpreter.parent, interpreter.parent.parent]


def _writable(folder: Path) -> bool:
    """Whether a file can be created in `folder` (tried, then removed: ACLs decide on Windows)."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".cpxl-", suffix=".tmp"):
            return True
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


@dataclass
class DllStep:
    """One DLL: already where the VBA looks (`present`), or to be copied from `source` to `target`."""

    name: str
    source: Path
    target: Path
    present: bool


def plan_dlls(sources: dict[str, Path], interpreter: Path | None, version: str) -> list[DllStep]:
    """Decide, before anything is changed, where each DLL goes; a Chinese CpxlError (exit 2) when a DLL
    is missing or no folder the VBA searches can be written."""
    if interpreter is None:
        raise CpxlError("未能确定加载项使用的 Python 解释器，无法放置 xlwings 的 DLL。未做任何改动。")
    names = [n for n in dll_names(version) if n in sources]  # 64-bit Office needs the first, 32-bit the second
    if not names:
        raise CpxlError(
            f"本机 xlwings 安装中找不到 {'、'.join(dll_names(version))}（单元格函数需要它）。请运行 "
            f"pip install --force-reinstall xlwings=={version} 后重试；只安装功能区按钮可加 --no-functions。未做任何改动。"
        )
    folders = dll_folders(interpreter)
    steps = []
    for name in names:
        source = sources[name]
        here = next((f / name for f in folders if _same_file(f / name, source)), None)
        if here is not None:
            steps.append(DllStep(name, source, here, present=True))
            continue
        folder = next((f for f in folders if f.is_dir() and _writable(f)), None)
        if folder is None:
            raise CpxlError(
                f"加载项从 {folders[0]}（或 {folders[1]}）加载 {name}，但这两个文件夹都无法写入"
                "（例如 Python 装在 C:\\Program Files 中）。请在“以管理员身份运行”的命令提示符中运行一次 "
                f"cpxl addin install，或手工复制：copy \"{source}\" \"{folders[0]}\"。未做任何改动。"
            )
        steps.append(DllStep(name, source, folder / name, present=False))
    return steps


def apply_dlls(steps: Sequence[DllStep]) -> list[str]:
    """Copy the DLLs `plan_dlls` decided on (atomically); returns one line per DLL for the user."""
    lines = []
    for step in steps:
        if step.present:
            lines.append(f"  {step.name} 已在 {step.target.parent}")
            continue
        with atomic_path(step.target, force=True) as tmp:
            shutil.copyfile(step.source, tmp)
        lines.append(f"  {step.name}：{step.source} → {step.target}")
    return lines
