"""`cpxl addin install|remove|status`, the user's consent to the VBA trust setting, and the install record.

`install` checks everything and asks before it changes anything (the steps are in its body). Functions of
:mod:`~cpxl.addin.computer` and :mod:`~cpxl.addin.dlls` are called through their modules, so that a test
replacing one of them (the platform, the interpreter, the DLLs found) replaces it for every caller.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from cpxl.addin import computer, dlls
from cpxl.addin.package import (
    ADDIN_NAME,
    SHEET_PART,
    STRINGS_PART,
    UDF_MODULE,
    addin_xlwings_version,
    installed_bytes,
    packaged_addin,
    read_config,
    read_parts,
)
from cpxl.addin.vba import RIBBON_MODULE, ribbon_module_code
from cpxl.console import guarded
from cpxl.errors import CpxlError
from cpxl.safeio import atomic_path

if TYPE_CHECKING:
    from cpxl.excelhost import ExcelHost

_LINUX_HELP = (
    "Excel 加载项只能安装在 Windows 或 macOS 的 Excel 中。本机请改用命令行完成同样的工作：\n"
    "  cpxl calc 工作簿.xlsx -o 计算结果.xlsx   无需 Excel 计算全部公式（含 CP_* 函数）\n"
    "  cpxl check 工作簿.xlsx                  检查工作簿\n"
    "  cpxl export 工作簿.xlsx                 导出 Word 审核报告\n"
    "若只想把加载项复制到某个文件夹，可加 --dir 文件夹。"
)

# ---- the check in Excel: one CP_ function computed there as cpxl calc computes it ---------------------

VERIFY_FORMULA = "=CP_NPV(150,32.5,10,0.05)"
VERIFY_ARGS = (150, 32.5, 10, 0.05)


def expected_verification() -> float:
    from cpxl.calc.economics import npv

    return npv(*VERIFY_ARGS)


def verified(value: Any) -> bool:
    expected = expected_verification()
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value - expected) < 5e-3


# ---- the install record ---------------------------------------------------------------------------


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


# ---- Excel, and the user's consent to the VBA trust setting ----------------------------------------


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
    found = computer.startup_dir()
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
    settings = computer.interpreter_settings()
    data = installed_bytes(settings, source)
    built_for = addin_xlwings_version(read_parts(data))
    target = target_dir / ADDIN_NAME

    # 1. checks and consent: nothing is changed before all of them pass
    host = None
    dll_steps: list[dlls.DllStep] = []
    trust = False
    if functions and computer.sys_platform().startswith("win"):
        host = excel_host()
        if host.excel_running():
            raise CpxlError("Excel 正在运行：请保存工作簿并退出 Excel（任务管理器中也不应有 EXCEL.EXE），"
                            "再运行 cpxl addin install。未做任何改动。")
        version = built_for or computer.xlwings_version()
        if version != computer.xlwings_version():
            raise CpxlError(f"加载项的 VBA 来自 xlwings {version}，而本机 Python 中是 xlwings {computer.xlwings_version()}，"
                            f"单元格函数无法工作：请先运行 pip install xlwings=={version}。未做任何改动。")
        dll_steps = dlls.plan_dlls(dlls.find_xlwings_dlls(version), dlls.vba_interpreter(settings), version)
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
        lines = dlls.apply_dlls(dll_steps)
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

    config = computer.user_config_file()
    replaced = computer.update_user_config(config, [(k.upper(), v) for k, v in settings], add_module=UDF_MODULE)
    _say(f"已更新 xlwings 用户设置：{config}（UDF MODULES 含 {UDF_MODULE}）")
    for line in replaced:
        _say(f"  原设置已替换：{line}")

    if computer.sys_platform() == "darwin" and directory is None:
        script = computer.mac_runpython_script()
        if script:
            script[1].parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(*script)
            _say(f"已启用 RunPython：{script[1]}")

    if built_for and built_for != computer.xlwings_version():
        _say(
            f"注意：加载项的 VBA 来自 xlwings {built_for}，而本机 Python 中是 xlwings {computer.xlwings_version()}。"
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
    elif functions and computer.sys_platform() == "darwin":
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
    if computer.sys_platform().startswith("win"):
        _say("「信任对 VBA 工程对象模型的访问」保持原样（可在 Excel 信任中心取消勾选）；"
             "解释器旁的 xlwings DLL 属于 xlwings，也保持原样。")
    config = computer.user_config_file()
    if config.exists():
        computer.update_user_config(config, [], drop_module=UDF_MODULE)
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
    if built_for and built_for != computer.xlwings_version():
        _say(f"注意：加载项的 VBA 来自 xlwings {built_for}，本机 Python 中是 xlwings {computer.xlwings_version()}；"
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
    if computer.sys_platform().startswith("win"):
        _say("尚未导入单元格函数 CP_*：运行 cpxl addin install（不加 --no-functions）即可导入。")
