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
"""

from __future__ import annotations

import locale
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Optional
from xml.sax.saxutils import escape

import typer

from cpxl.console import guarded
from cpxl.errors import CpxlError
from cpxl.safeio import atomic_path

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


@addin_app.command()
@guarded
def install(directory: Optional[Path] = typer.Option(None, "--dir", help=_DIR_HELP)):
    """把 cpxl.xlam 复制到 Excel 启动文件夹，并记录本机 Python 解释器；重启 Excel 后出现「清洁生产审核」选项卡。"""
    target_dir = _target_dir(directory)
    source = packaged_addin()
    if not source.is_file():
        raise CpxlError(f"安装包中缺少加载项文件 {source}：请重新安装 cpxl。")
    settings = interpreter_settings()
    data = installed_bytes(settings, source)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / ADDIN_NAME
    with atomic_path(target, force=True) as tmp:
        tmp.write_bytes(data)
    _say(f"已安装加载项：{target}")
    for key, value in settings:
        _say(f"  {key} = {value}")

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

    built_for = addin_xlwings_version(read_parts(data))
    if built_for and built_for != _xlwings_version():
        _say(
            f"注意：加载项的 VBA 来自 xlwings {built_for}，而本机 Python 中是 xlwings {_xlwings_version()}。"
            f"单元格函数需要两者一致：请运行 pip install xlwings=={built_for}。"
        )
    _say("请退出并重新打开 Excel；功能区会出现「清洁生产审核」选项卡（用法见 cpxl 源码中的 addin/README.md）。")


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
    if not same:
        _say("已安装的加载项与当前 cpxl 附带的版本不同：请运行 cpxl addin install 更新。")
        raise typer.Exit(1)
    _say("与当前 cpxl 附带的加载项一致。")
