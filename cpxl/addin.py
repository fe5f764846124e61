"""The ribbon add-in cpxl.xlam: its config sheet, and `cpxl addin install|remove|status`.

The add-in is xlwings' ribbon add-in template (`xlwings quickstart --addin --ribbon`) with our ribbon and
settings; its VBA is xlwings' own, unchanged (see addin/README.md). What that VBA fixes for us:

- the ribbon button calls `RibbonMyAddin.RunMain`, which runs `import <file stem>; <file stem>.main()`,
  so the add-in must be named ``cpxl.xlam`` for the button to run :func:`cpxl.main`;
- settings are read from a sheet named ``myaddin.conf`` (the VBA's project name is ``myaddin``): first in
  the active workbook, then in the add-in, then a ``myaddin.conf`` file beside the workbook, then
  ``~/.myaddin/myaddin.conf``. The add-in's own sheet carries our settings, and `install` writes this
  computer's Python interpreter into the installed copy, so no shared per-user file is involved.

`install` also records the interpreter and ``UDF Modules = cpxl.udfs`` in the xlwings user config
(``~/.xlwings/xlwings.conf``), used by the standard xlwings add-in's 「Import Functions」.

On Windows `install` then makes the CP_ functions work without a visit to the VBA editor (steps in
:func:`install`; everything that touches Excel or the registry goes through :class:`cpxl.excelhost.ExcelHost`):
it turns on 「信任对 VBA 工程对象模型的访问」 with the user's consent, puts xlwings' DLL where the VBA loads it
from, imports the wrappers into the installed add-in with xlwings' own ``import_udfs``, guards the ribbon
button against "no workbook open", and checks the result by computing one CP_ function in Excel.
"""

from __future__ import annotations

import hashlib
import json
import locale
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional
from xml.sax.saxutils import escape

import typer

from cpxl.console import guarded
from cpxl.errors import CpxlError
from cpxl.excel import NO_WORKBOOK, TITLE
from cpxl.safeio import atomic_path

if TYPE_CHECKING:
    from cpxl.excelhost import ExcelHost

ADDIN_NAME = "cpxl.xlam"
CONFIG_SHEET = "myaddin.conf"  # PROJECT_NAME in the template's VBA + ".conf"
SHEET_PART = "xl/worksheets/sheet1.xml"
STRINGS_PART = "xl/sharedStrings.xml"
VBA_PART = "xl/vbaProject.bin"
CUSTOM_UI_PART = "customUI/customUI.xml"
UDF_MODULE = "cpxl.udfs"

# Settings every installation shares. The workbook's folder stays off sys.path: cpxl is an installed
# package, and a stray cpxl.py beside an audit workbook must not replace it. Keys with an empty value
# are pinned: the VBA takes the add-in's row before a `myaddin.conf` file beside the workbook or in the
# home folder, so such a file cannot add paths to sys.path, run a conda activation script or switch on
# embedded code. (A sheet named `myaddin.conf` inside the active workbook still wins: xlwings' design.)
BASE_CONFIG: tuple[tuple[str, str], ...] = (
    ("UDF Modules", UDF_MODULE),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "false"),
    ("PYTHONPATH", ""),
    ("Conda Path", ""),
    ("Conda Env", ""),
    ("LICENSE_KEY", ""),
)
SHEET_NOTE = (
    "cpxl 加载项设置：xlwings 读取 A、B 两列（A 列连续非空的各行）；B 列为空表示该项为空，且不再从其他位置读取。"
    "解释器一行由 cpxl addin install 写入。"
)

# Fixed ZIP timestamp: the same inputs give the same file.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_LINUX_HELP = (
    "Excel 加载项只能安装在 Windows 或 macOS 的 Excel 中。本机请改用命令行完成同样的工作：\n"
    "  cpxl calc 工作簿.xlsx -o 计算结果.xlsx   无需 Excel 计算全部公式（含 CP_* 函数）\n"
    "  cpxl check 工作簿.xlsx                  检查工作簿\n"
    "  cpxl export 工作簿.xlsx                 导出 Word 审核报告\n"
    "若只想把加载项复制到某个文件夹，可加 --dir 文件夹。"
)


# ---- the xlam package ------------------------------------------------------------------------------


def packaged_addin() -> Path:
    """The add-in shipped inside the package (built by addin/build_addin.py)."""
    return Path(__file__).resolve().parent / "data" / ADDIN_NAME


def read_parts(source: Path | bytes) -> list[tuple[str, bytes]]:
    """The parts of an xlam, in ZIP order."""
    import io

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def package_bytes(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A ZIP of `parts` with fixed timestamps and attributes (deterministic for a given zlib)."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, data)
    return buf.getvalue()


def _cell_text(value: str) -> str:
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{escape(value)}</t>"


def config_sheet(sheet_xml: bytes, rows: Sequence[tuple[str, str]]) -> tuple[bytes, bytes]:
    """Rewrite the add-in's config sheet to hold `rows` (key in A, value in B) and a note in D1.

    Returns the new sheet XML and the shared-strings part. Everything else in the sheet (its code name,
    which the VBA project refers to, view, margins) is kept.
    """
    strings: list[str] = []
    uses = 0

    def sst(text: str) -> int:
        nonlocal uses
        uses += 1
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    xml_rows = []
    for r, (key, value) in enumerate(rows, start=1):
        cells = f'<c r="A{r}" s="1" t="s"><v>{sst(key)}</v></c>'
        if value:
            cells += f'<c r="B{r}" s="1" t="s"><v>{sst(value)}</v></c>'
        if r == 1:
            cells += f'<c r="D1" s="1" t="s"><v>{sst(SHEET_NOTE)}</v></c>'
        xml_rows.append(f'<row r="{r}">{cells}</row>')
    text = sheet_xml.decode("utf-8")
    text, n_dim = re.subn(r"<dimension [^>]*/>", f'<dimension ref="A1:D{max(len(rows), 1)}"/>', text, count=1)
    cols = (
        '<cols><col min="1" max="1" width="30" style="1" customWidth="1"/>'
        '<col min="2" max="2" width="60" style="1" customWidth="1"/>'
        '<col min="3" max="16384" width="8.875" style="1"/></cols>'
    )
    text, n_cols = re.subn(r"<cols>.*?</cols>", cols, text, count=1, flags=re.S)
    text, n_data = re.subn(
        r"<sheetData\s*/>|<sheetData>.*?</sheetData>", f"<sheetData>{''.join(xml_rows)}</sheetData>", text, count=1, flags=re.S
    )
    if (n_dim, n_cols, n_data) != (1, 1, 1):
        raise ValueError("加载项模板的配置工作表结构与预期不同（缺少 dimension/cols/sheetData）")
    items = "".join(f"<si>{_cell_text(s)}</si>" for s in strings)
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{uses}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    return text.encode("utf-8"), shared.encode("utf-8")


def read_config(parts: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    """The key/value rows of an xlam's config sheet, as the VBA reads them (keys upper-cased)."""
    from defusedxml import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    found = dict(parts)
    strings = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
               for si in ElementTree.fromstring(found[STRINGS_PART]).findall("m:si", ns)]
    cells: dict[str, str] = {}
    for c in ElementTree.fromstring(found[SHEET_PART]).iterfind(".//m:sheetData/m:row/m:c", ns):
        v = c.find("m:v", ns)
        if v is not None and v.text is not None:
            cells[c.get("r", "")] = strings[int(v.text)] if c.get("t") == "s" else v.text
    config = {}
    r = 1
    while cells.get(f"A{r}"):
        config[cells[f"A{r}"].upper()] = cells.get(f"B{r}", "")
        r += 1
    return config


def addin_xlwings_version(parts: Sequence[tuple[str, bytes]]) -> str | None:
    """The xlwings version whose VBA the add-in carries (recorded in its keywords when built)."""
    core = dict(parts).get("docProps/core.xml", b"").decode("utf-8")
    match = re.search(r"<cp:keywords>[^<]*xlwings (\d[\w.]*)", core)
    return match.group(1) if match else None


def merged_config(rows: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """`rows` first, then the base settings they do not replace (keys compare as the VBA does: case-blind;
    a repeated key would stop the VBA from reading the sheet)."""
    given = {key.upper() for key, _ in rows}
    return [*rows, *((key, value) for key, value in BASE_CONFIG if key.upper() not in given)]


def installed_bytes(rows: Sequence[tuple[str, str]], source: Path | None = None) -> bytes:
    """The packaged add-in with this computer's settings `rows` in its config sheet."""
    parts = read_parts(source or packaged_addin())
    found = dict(parts)
    sheet, shared = config_sheet(found[SHEET_PART], merged_config(rows))
    replace = {SHEET_PART: sheet, STRINGS_PART: shared}
    return package_bytes((name, replace.get(name, data)) for name, data in parts)


# ---- this computer ---------------------------------------------------------------------------------


def _platform() -> str:
    return sys.platform


def startup_dir() -> Path | None:
    """Excel's per-user start-up folder (XLSTART): files there open with Excel. None where Excel is not."""
    platform = _platform()
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
    if _platform() == "darwin":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return Path.home() / ".xlwings" / "xlwings.conf"


def interpreter_settings() -> list[tuple[str, str]]:
    """This Python, as xlwings' own `config create` records it: a conda env on Windows by path and name,
    otherwise the interpreter's full path."""
    platform = _platform()
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


def _xlwings_version() -> str:
    import xlwings

    return xlwings.__version__


def _mac_runpython_script() -> tuple[Path, Path] | None:
    """On macOS, RunPython goes through an AppleScript that must sit in Excel's script folder."""
    import xlwings

    name = f"xlwings-{xlwings.__version__}.applescript"
    source = Path(xlwings.__file__).resolve().parent / name
    target = Path.home() / "Library" / "Application Scripts" / "com.microsoft.Excel" / name
    return (source, target) if source.exists() else None


# ---- the CP_ functions on Windows: DLL, ribbon guard, verification ---------------------------------

RIBBON_MODULE = "RibbonMyAddin"
NO_WORKBOOK_MESSAGE = NO_WORKBOOK  # the same text as the Python side of the button (cpxl.excel)
VERIFY_FORMULA = "=CP_NPV(150,32.5,10,0.05)"
VERIFY_ARGS = (150, 32.5, 10, 0.05)


def vba_text(text: str) -> str:
    """A VBA string expression for `text` that survives any system code page: ASCII runs stay literal,
    every other character becomes ``ChrW(n)``."""
    pieces: list[str] = []
    run = ""
    for ch in text:
        if 32 <= ord(ch) < 127:
            run += ch.replace('"', '""')
            continue
        if run:
            pieces.append(f'"{run}"')
            run = ""
        pieces.append(f"ChrW({ord(ch)})")
    if run or not pieces:
        pieces.append(f'"{run}"')
    return " & ".join(pieces)


def ribbon_module_code(title: str = TITLE) -> str:
    """The ribbon callback with a guard in front of the template's two lines (kept verbatim).

    Without a workbook open, xlwings' `RunPython` stops with VBA run-time error 91 (it reads
    `ActiveWorkbook.Worksheets` and `ActiveWorkbook.Name`) before Python starts; the guard shows a
    message instead. Module text is ASCII: Chinese goes through ChrW, whatever the VBA code page."""
    return "\r\n".join([
        "Sub RunMain(control As IRibbonControl)",
        "    ' cpxl: no workbook open -> a message instead of run-time error 91 in RunPython",
        "    If ActiveWorkbook Is Nothing Then",
        f"        MsgBox {vba_text(NO_WORKBOOK_MESSAGE)}, vbInformation, {vba_text(title)}",
        "        Exit Sub",
        "    End If",
        '    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))',
        '    RunPython "import " & mymodule & ";" & mymodule & ".main()"',
        "End Sub",
        "",
    ])


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
    names = dll_names(version or _xlwings_version())
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


def expected_verification() -> float:
    from cpxl.calc.economics import npv

    return npv(*VERIFY_ARGS)


def verified(value: Any) -> bool:
    expected = expected_verification()
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value - expected) < 5e-3


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install_record_file() -> Path:
    """Where `install` notes the add-in it saved with the CP_ functions (Excel rewrites the whole file when
    it saves, so `status` cannot compare it with the packaged one part by part)."""
    return Path.home() / ".cpxl" / "addin.json"


def write_install_record(target: Path, source: Path) -> None:
    record = install_record_file()
    record.parent.mkdir(parents=True, exist_ok=True)
    data = {"addin": str(target), "sha256": _sha256(target), "packaged_sha256": _sha256(source), "functions": UDF_MODULE}
    with atomic_path(record, force=True) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_install_record() -> dict:
    try:
        data = json.loads(install_record_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def excel_host() -> ExcelHost:
    """The real Excel (Windows); tests replace this function."""
    from cpxl.excelhost import WindowsExcel

    return WindowsExcel()


VBOM_EXPLANATION = (
    "为了把单元格函数 CP_* 导入加载项，cpxl 需要打开 Excel 的一个设置：\n"
    "  文件 › 选项 › 信任中心 › 信任中心设置 › 宏设置 ›「信任对 VBA 工程对象模型的访问」\n"
    "（即注册表 HKCU\\Software\\Microsoft\\Office\\<版本>\\Excel\\Security 中的 AccessVBOM = 1，只影响当前用户）。\n"
    "打开后，Excel 中运行的宏可以读取和修改 VBA 代码；xlwings 的「导入函数」同样要求它。\n"
    "以后可在上述位置取消勾选；取消后已导入的函数照常可用，只是重新导入前需再次勾选。"
)


def _consent(yes: bool) -> bool:
    if yes:
        return True
    import click

    aborted = tuple({click.exceptions.Abort, getattr(typer, "Abort", click.exceptions.Abort), EOFError})
    try:
        return typer.confirm("是否现在勾选「信任对 VBA 工程对象模型的访问」？", default=False)
    except aborted:  # no terminal to answer on, or Ctrl+C
        typer.echo("")
        return False


# ---- commands --------------------------------------------------------------------------------------

addin_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="Excel 功能区加载项 cpxl.xlam：安装、移除、查看状态（Windows、macOS）。")


def _say(text: str) -> None:
    typer.echo(text)


def _target_dir(directory: Optional[Path]) -> Path:
    if directory is not None:
        return directory
    found = startup_dir()
    if found is None:
        typer.echo(_LINUX_HELP, err=True)
        raise typer.Exit(2)
    return found


_DIR_HELP = "安装到此文件夹而不是 Excel 的启动文件夹（XLSTART）"


_YES_HELP = "不再询问，直接勾选「信任对 VBA 工程对象模型的访问」（Windows）"
_FUNCTIONS_HELP = "Windows：把单元格函数 CP_* 导入加载项（默认）；--no-functions 只安装功能区按钮"


@addin_app.command()
@guarded
def install(
    directory: Optional[Path] = typer.Option(None, "--dir", help=_DIR_HELP),
    yes: bool = typer.Option(False, "--yes", "-y", help=_YES_HELP),
    functions: bool = typer.Option(True, "--functions/--no-functions", help=_FUNCTIONS_HELP),
):
    """安装 cpxl.xlam：复制到 Excel 启动文件夹并记录本机 Python；在 Windows 上还导入单元格函数 CP_* 并在 Excel 中验证。

    Windows 上先检查、征得同意，再改动：Excel 须已退出；找到 xlwings 的 DLL 并确认能放到加载项查找的位置；必要时说明并询问后勾选「信任对 VBA 工程对象模型的访问」。然后写入加载项与设置、放置 DLL，在后台 Excel 中导入 CP_* 并保存加载项，计算 =CP_NPV(150,32.5,10,0.05) 验证。

    退出码：0 成功；2 被拒绝或无法进行（未做任何改动）；3 内部错误。
    """
    target_dir = _target_dir(directory)
    source = packaged_addin()
    if not source.is_file():
        raise CpxlError(f"安装包中缺少加载项文件 {source}：请重新安装 cpxl。")
    settings = interpreter_settings()
    data = installed_bytes(settings, source)
    built_for = addin_xlwings_version(read_parts(data))
    target = target_dir / ADDIN_NAME

    # 1. checks and consent: nothing is changed before all of them pass
    host = None
    dll_steps: list[DllStep] = []
    trust = False
    if functions and _platform().startswith("win"):
        host = excel_host()
        if host.excel_running():
            raise CpxlError("Excel 正在运行：请保存工作簿并退出 Excel（任务管理器中也不应有 EXCEL.EXE），"
                            "再运行 cpxl addin install。未做任何改动。")
        version = built_for or _xlwings_version()
        if version != _xlwings_version():
            raise CpxlError(f"加载项的 VBA 来自 xlwings {version}，而本机 Python 中是 xlwings {_xlwings_version()}，"
                            f"单元格函数无法工作：请先运行 pip install xlwings=={version}。未做任何改动。")
        dll_steps = plan_dlls(find_xlwings_dlls(version), vba_interpreter(settings), version)
        if host.vbom_policy_blocked():
            raise CpxlError("单位的组策略禁止「信任对 VBA 工程对象模型的访问」，无法导入单元格函数。"
                            "可加 --no-functions 只安装功能区按钮，并用 cpxl calc 计算 CP_* 公式。未做任何改动。")
        if not host.vbom_trusted():
            _say(VBOM_EXPLANATION)
            if not _consent(yes):
                raise CpxlError("已取消：未勾选「信任对 VBA 工程对象模型的访问」，未做任何改动。"
                                "不导入单元格函数、只安装功能区按钮：cpxl addin install --no-functions。")
            trust = True

    # 2. changes
    if trust:
        host.trust_vbom()
        _say("已勾选「信任对 VBA 工程对象模型的访问」（当前用户）。")
    if dll_steps:
        lines = apply_dlls(dll_steps)
        _say("xlwings DLL（加载项从解释器所在文件夹加载）：")
        for line in lines:
            _say(line)

    target_dir.mkdir(parents=True, exist_ok=True)
    with atomic_path(target, force=True) as tmp:
        tmp.write_bytes(data)
    _say(f"已安装加载项：{target}")
    for key, value in settings:
        _say(f"  {key} = {value}")
    record = install_record_file()
    if record.exists():  # the record described the file just replaced
        record.unlink()

    config = user_config_file()
    replaced = update_user_config(config, [(k.upper(), v) for k, v in settings], add_module=UDF_MODULE)
    _say(f"已更新 xlwings 用户设置：{config}（UDF MODULES 含 {UDF_MODULE}）")
    for line in replaced:
        _say(f"  原设置已替换：{line}")

    if _platform() == "darwin" and directory is None:
        script = _mac_runpython_script()
        if script:
            script[1].parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(*script)
            _say(f"已启用 RunPython：{script[1]}")

    if built_for and built_for != _xlwings_version():
        _say(
            f"注意：加载项的 VBA 来自 xlwings {built_for}，而本机 Python 中是 xlwings {_xlwings_version()}。"
            f"单元格函数需要两者一致：请运行 pip install xlwings=={built_for}。"
        )

    # 3. the functions, imported and checked in Excel
    if host is not None:
        _say("正在后台启动 Excel，把单元格函数导入加载项（约需半分钟）……")
        try:
            host.open_addin(target)
            host.replace_module(RIBBON_MODULE, ribbon_module_code())
            host.import_udfs(UDF_MODULE)
            host.save_addin()
            _say(f"已导入单元格函数（{UDF_MODULE}）并保存加载项。")
            value = host.evaluate(VERIFY_FORMULA)
        finally:
            host.close()
        if not verified(value):
            from cpxl.excelhost import ExcelStepError

            shown = "错误值（如 #NAME?）" if value is None else repr(value)
            raise ExcelStepError(
                f"验证未通过：Excel 中 {VERIFY_FORMULA} 得到 {shown}，应为 {expected_verification():.2f}。"
                "加载项已安装，按钮可用；请运行 cpxl addin status 查看设置，或按 addin/README.md「排错」一节检查。"
            )
        write_install_record(target, source)
        _say(f"验证：Excel 计算 {VERIFY_FORMULA} = {value:.2f}（与 cpxl calc 一致）。")
    elif functions and _platform() == "darwin":
        _say("macOS 版 Excel 不支持 xlwings 单元格函数：CP_* 公式请用 cpxl calc 计算。")
    _say("请重新打开 Excel；功能区会出现「清洁生产审核」选项卡（用法见 cpxl 源码中的 addin/README.md）。")


@addin_app.command()
@guarded
def remove(directory: Optional[Path] = typer.Option(None, "--dir", help="从此文件夹移除（默认 XLSTART）")):
    """从 Excel 启动文件夹删除 cpxl.xlam，并从 xlwings 用户设置的 UDF MODULES 中去掉 cpxl.udfs。"""
    target = _target_dir(directory) / ADDIN_NAME
    if target.exists():
        target.unlink()
        _say(f"已移除加载项：{target}")
    else:
        _say(f"未安装加载项（{target} 不存在），无需移除。")
    record = install_record_file()
    if record.exists():
        record.unlink()
    if _platform().startswith("win"):
        _say("「信任对 VBA 工程对象模型的访问」保持原样（可在 Excel 信任中心取消勾选）；"
             "解释器旁的 xlwings DLL 属于 xlwings，也保持原样。")
    config = user_config_file()
    if config.exists():
        update_user_config(config, [], drop_module=UDF_MODULE)
        _say(f"已从 {config} 的 UDF MODULES 中去掉 {UDF_MODULE}（解释器设置保留）。")


@addin_app.command()
@guarded
def status(directory: Optional[Path] = typer.Option(None, "--dir", help="查看此文件夹（默认 XLSTART）")):
    """显示加载项是否已安装、是否为当前版本、记录的 Python 解释器。已安装且为当前版本时退出码为 0，否则为 1。"""
    target = _target_dir(directory) / ADDIN_NAME
    if not target.is_file():
        _say(f"未安装。运行 cpxl addin install 将安装到：{target}")
        raise typer.Exit(1)
    installed = read_parts(target)
    packaged = read_parts(packaged_addin())
    _say(f"已安装：{target}")
    config = read_config(installed)
    for key in ("INTERPRETER_WIN", "INTERPRETER_MAC", "CONDA PATH", "CONDA ENV", "UDF MODULES"):
        if key in config:
            note = ""
            if key.startswith("INTERPRETER") and not Path(config[key]).exists():
                note = "（此路径不存在：请重新运行 cpxl addin install）"
            _say(f"  {key} = {config[key]}{note}")
    built_for = addin_xlwings_version(installed)
    if built_for and built_for != _xlwings_version():
        _say(f"注意：加载项的 VBA 来自 xlwings {built_for}，本机 Python 中是 xlwings {_xlwings_version()}；"
             f"单元格函数需要两者一致（pip install xlwings=={built_for}）。")
    same = [(n, d) for n, d in installed if n not in (SHEET_PART, STRINGS_PART)] == [
        (n, d) for n, d in packaged if n not in (SHEET_PART, STRINGS_PART)
    ]
    record = read_install_record()
    imported = (
        record.get("addin") == str(target) and record.get("sha256") == _sha256(target)
        and record.get("packaged_sha256") == _sha256(packaged_addin())
    )
    if imported:
        _say(f"与当前 cpxl 附带的加载项一致，并已导入单元格函数（{record.get('functions', UDF_MODULE)}，安装时已在 Excel 中验证）。")
        return
    if not same:
        _say("已安装的加载项与当前 cpxl 附带的版本不同：请运行 cpxl addin install 更新。")
        raise typer.Exit(1)
    _say("与当前 cpxl 附带的加载项一致。")
    if _platform().startswith("win"):
        _say("尚未导入单元格函数 CP_*：运行 cpxl addin install（不加 --no-functions）即可导入。")
