"""Console output and the guard every `cpxl` command runs under: a user error or a crash becomes one
Chinese line on stderr and an exit code, never a traceback (exit codes in cpxl/cli.py)."""

from __future__ import annotations

import functools

import typer
from rich.console import Console
from rich.markup import escape

from cpxl.errors import CpxlError


class _Console(Console):
    """A console that prints file names holding bytes of another encoding (GBK names on Linux) as
    text instead of failing on them (see :mod:`cpxl.fsnames`)."""

    def print(self, *objects, **kwargs):
        from cpxl.fsnames import clean_text

        super().print(*(clean_text(o) if isinstance(o, str) else o for o in objects), **kwargs)


out = _Console(highlight=False, soft_wrap=True)
err = _Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> None:
    err.print(f"[red]错误：[/red]{escape(message)}")
    raise typer.Exit(code)


def guarded(fn):
    """Run a command; map every failure to one Chinese line and an exit code. SIGTERM and SIGHUP unwind
    the command like Ctrl+C (temporary files and folders are removed on the way out); temporary folders
    left by an earlier run that was killed outright are removed first."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from cpxl.safeio import Terminated, signals_raise, sweep_temp_dirs

        try:
            with signals_raise():
                sweep_temp_dirs()
                return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except Terminated as exc:
            fail("已终止（收到终止信号），未写入任何输出。", exc.code if isinstance(exc.code, int) else 143)
        except CpxlError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("已中断，未写入任何输出。", 130)
        except MemoryError:
            fail("内存不足：工作簿过大，未写入任何输出。", 2)
        except PermissionError as exc:  # on Windows, mostly a file Excel holds open
            fail(f"没有权限读写 {exc.filename or ''}（文件可能正被 Excel 打开，请关闭后重试），未写入任何输出。", 2)
        except OSError as exc:  # a path the user gave cannot be read or written
            where = f"：{exc.filename}" if exc.filename else ""
            fail(f"文件读写失败（{exc.strerror or exc}）{where}，未写入任何输出。", 2)
        except Exception as exc:  # noqa: BLE001 — last line of defence: never show a traceback
            fail(f"内部错误（{type(exc).__name__}：{exc}），未写入任何输出。请将工作簿与此信息反馈给开发者。", 3)

    return wrapper
