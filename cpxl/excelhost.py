"""Everything `cpxl addin install` does to Excel itself, behind one small interface.

:class:`ExcelHost` is what the install flow in :mod:`cpxl.addin` talks to; :class:`WindowsExcel` is the
real one (Windows registry through ``winreg``, Excel through xlwings/pywin32 COM). Tests drive the flow
with a stand-in object, so nothing here runs without Windows and Excel — and nothing here has been run
against a real Excel by the test suite (see addin/README.md).

What the real host does, and where each step comes from:

- the trust-center checkbox 「信任对 VBA 工程对象模型的访问」 is the per-user registry value
  ``HKCU\\Software\\Microsoft\\Office\\<ver>\\Excel\\Security\\AccessVBOM`` (DWORD 1 = on), ``<ver>`` from
  ``HKCR\\Excel.Application\\CurVer`` (``Excel.Application.16`` → ``16.0``); a group policy value under
  ``HKCU\\Software\\Policies\\Microsoft\\Office\\<ver>\\Excel\\Security`` overrides it;
- the CP_ wrappers are imported with xlwings' own ``xlwings.udfs.import_udfs(module_names, xl_workbook)``,
  the function the add-in's VBA ``ImportPythonUDFsToAddin`` calls (through the DLL) with ``ThisWorkbook``;
  here it is called over COM with the add-in opened in a hidden Excel, which then saves the add-in.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any, Protocol

from cpxl.errors import CpxlError


class ExcelStepError(CpxlError):
    """A step on Excel or the registry failed although the request was valid (exit code 3)."""

    exit_code = 3


class ExcelHost(Protocol):
    """The Excel/registry side of `cpxl addin install` (Windows)."""

    def excel_running(self) -> bool:
        """True when an Excel instance is running (it holds the add-in open and caches trust settings)."""

    def vbom_policy_blocked(self) -> bool:
        """True when a group policy forbids access to the VBA project object model."""

    def vbom_trusted(self) -> bool:
        """True when 「信任对 VBA 工程对象模型的访问」 is on for this user."""

    def trust_vbom(self) -> None:
        """Turn 「信任对 VBA 工程对象模型的访问」 on for this user."""

    def open_addin(self, path: Path) -> None:
        """Start a hidden Excel and open the add-in file at `path` in it."""

    def replace_module(self, name: str, code: str) -> None:
        """Replace the code of the VBA module `name` in the open add-in."""

    def import_udfs(self, module: str) -> None:
        """Import the xlwings wrappers of the functions in Python module `module` into the open add-in."""

    def save_addin(self) -> None:
        """Save the open add-in."""

    def evaluate(self, formula: str) -> Any:
        """Enter `formula` in a cell of a new scratch workbook, compute it, return the cell's value;
        the scratch workbook is closed without saving."""

    def close(self) -> None:
        """Quit the Excel started by :meth:`open_addin` (nothing when none was started)."""


# ---- the real host ----------------------------------------------------------------------------------

OFFICE_KEY = r"Software\Microsoft\Office"
POLICY_KEY = r"Software\Policies\Microsoft\Office"
VBOM_VALUE = "AccessVBOM"


def office_version_from_curver(curver: str | None) -> str | None:
    """``Excel.Application.16`` → ``16.0``; None when it is not of that form."""
    if not curver:
        return None
    tail = curver.strip().rsplit(".", 1)[-1]
    return f"{int(tail)}.0" if tail.isdigit() else None


class WindowsExcel:
    """The real :class:`ExcelHost`: ``winreg`` and Excel over COM (xlwings, pywin32). Windows only."""

    def __init__(self) -> None:
        self.app = None
        self.addin = None

    # -- registry --------------------------------------------------------------------------------------

    @staticmethod
    def _read_dword(root, path: str, name: str) -> int | None:
        import winreg

        try:
            with winreg.OpenKey(root, path) as key:
                value, _ = winreg.QueryValueEx(key, name)
        except OSError:
            return None
        return value if isinstance(value, int) else None

    def versions(self) -> list[str]:
        """The Office versions to look at: the installed Excel's (CurVer), else every Office version with
        an Excel key for this user."""
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Excel.Application\CurVer") as key:
                current = office_version_from_curver(winreg.QueryValueEx(key, "")[0])
        except OSError:
            current = None
        if current:
            return [current]
        found = []
        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, OFFICE_KEY) as key:
                for i in range(winreg.QueryInfoKey(key)[0]):
                    name = winreg.EnumKey(key, i)
                    if re.fullmatch(r"\d+\.0", name):
                        with contextlib.suppress(OSError), winreg.OpenKey(key, rf"{name}\Excel"):
                            found.append(name)
        except OSError:
            pass
        if not found:
            raise ExcelStepError("未找到本机 Excel 的注册表项（Excel.Application\\CurVer）：请确认已安装 Windows 版 Microsoft Excel。")
        return found

    def vbom_policy_blocked(self) -> bool:
        import winreg

        return any(
            self._read_dword(winreg.HKEY_CURRENT_USER, rf"{POLICY_KEY}\{v}\Excel\Security", VBOM_VALUE) == 0
            for v in self.versions()
        )

    def vbom_trusted(self) -> bool:
        import winreg

        return all(
            self._read_dword(winreg.HKEY_CURRENT_USER, rf"{OFFICE_KEY}\{v}\Excel\Security", VBOM_VALUE) == 1
            for v in self.versions()
        )

    def trust_vbom(self) -> None:
        import winreg

        for v in self.versions():
            with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, rf"{OFFICE_KEY}\{v}\Excel\Security", 0,
                                    winreg.KEY_SET_VALUE) as key:
                winreg.SetValueEx(key, VBOM_VALUE, 0, winreg.REG_DWORD, 1)

    # -- Excel over COM --------------------------------------------------------------------------------

    def excel_running(self) -> bool:
        import xlwings as xw

        return xw.apps.count > 0

    def open_addin(self, path: Path) -> None:
        import xlwings as xw

        try:
            # Excel started through COM opens neither XLSTART nor other add-ins: only ours is loaded.
            self.app = xw.App(visible=False, add_book=False)
            self.app.display_alerts = False
            # the add-in's macros must run in this instance for the verification formula (reports exist of
            # automation-opened files with macros disabled); 1 = msoAutomationSecurityLow
            with contextlib.suppress(Exception):
                self.app.api.AutomationSecurity = 1
            self.addin = self.app.books.open(str(path))
        except Exception as exc:  # noqa: BLE001 — COM errors have no useful type
            raise ExcelStepError(f"无法在 Excel 中打开加载项 {path}：{exc}") from exc

    def _vbproject(self):
        try:
            return self.addin.api.VBProject
        except Exception as exc:  # noqa: BLE001
            raise ExcelStepError(
                "Excel 拒绝访问 VBA 工程：请在 文件 › 选项 › 信任中心 › 信任中心设置 › 宏设置 中勾选"
                f"「信任对 VBA 工程对象模型的访问」后重试（{exc}）。"
            ) from exc

    def replace_module(self, name: str, code: str) -> None:
        try:
            module = self._vbproject().VBComponents(name).CodeModule
            if module.CountOfLines:
                module.DeleteLines(1, module.CountOfLines)
            module.AddFromString(code)
        except ExcelStepError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ExcelStepError(f"无法更新加载项的 VBA 模块 {name}：{exc}") from exc

    def import_udfs(self, module: str) -> None:
        self._vbproject()
        try:
            from xlwings.udfs import import_udfs

            workbook = self.addin.api
            workbook = getattr(workbook, "_inner", workbook)  # the pywin32 object, not xlwings' retry wrapper
            with contextlib.redirect_stdout(io.StringIO()):  # it prints an English line
                import_udfs(module, workbook)
        except Exception as exc:  # noqa: BLE001
            raise ExcelStepError(f"导入单元格函数（{module}）失败：{exc}") from exc

    def save_addin(self) -> None:
        try:
            self.addin.api.Save()
        except Exception as exc:  # noqa: BLE001
            raise ExcelStepError(f"无法保存加载项：{exc}") from exc

    def evaluate(self, formula: str) -> Any:
        try:
            book = self.app.books.add()
            try:
                cell = book.sheets[0]["A1"]
                cell.formula = formula
                self.app.calculate()
                return cell.value
            finally:
                book.api.Close(SaveChanges=False)
        except Exception as exc:  # noqa: BLE001
            raise ExcelStepError(f"在 Excel 中计算 {formula} 失败：{exc}") from exc

    def close(self) -> None:
        app, self.app, self.addin = self.app, None, None
        if app is None:
            return
        try:
            app.quit()
        except Exception:  # noqa: BLE001 — a hidden instance that will not quit is ended
            with contextlib.suppress(Exception):
                app.kill()
