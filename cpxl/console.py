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


def step(text: str):
    """A spinner naming the step on a terminal (stderr); nothing when output is redirected."""
    import contextlib

    if not err.is_terminal:
        return contextlib.nullcontext()
    return err.status(escape(text), spinner="dots")


def warn(message: str) -> None:
    err.print(f"[yellow]注意：[/yellow]{escape(message)}")


# ---- help in Chinese ---------------------------------------------------------------------------------

HELP_OPTION_TEXT = "显示此帮助并退出。"

_USAGE_ERRORS = [  # click's messages, as the command line shows them
    (r"^Missing argument '(.+)'\.?$", r"缺少参数 \1。"),
    (r"^Missing option '(.+)'\.?$", r"缺少选项 \1。"),
    (r"^Missing parameter: (.+)$", r"缺少参数 \1。"),
    (r"^No such option: (\S+)(?: Did you mean (.+)\?)?$", r"没有选项 \1。"),
    (r"^No such command '(.+)'\.?$", r"没有命令“\1”。"),
    (r"^Got unexpected extra arguments? \((.+)\)$", r"多余的参数：\1。"),
    (r"^Invalid value for (.+?): (.+)$", r"\1 的值无效：\2"),
    (r"^Option '(.+)' requires an argument\.?$", r"选项 \1 需要一个值。"),
    (r"^Missing command\.?$", "缺少命令。"),
]


def _zh_usage(message: str) -> str:
    import re

    for pattern, repl in _USAGE_ERRORS:
        if re.match(pattern, message):
            return re.sub(pattern, repl, message)
    return message


def _localized(base):
    """A Typer command/group class whose usage line, help option and usage errors are in Chinese."""

    class Localized(base):
        def get_usage(self, ctx):
            return super().get_usage(ctx).replace("Usage: ", "用法：", 1)

        def get_help_option(self, ctx):
            option = super().get_help_option(ctx)
            if option is not None:
                option.help = HELP_OPTION_TEXT
            return option

        def make_context(self, info_name, args, parent=None, **extra):
            try:
                return super().make_context(info_name, args, parent=parent, **extra)
            except Exception as exc:  # click's UsageError, whichever click Typer uses
                usage_error = next((c for c in type(exc).__mro__ if c.__name__ == "UsageError"), None)
                if usage_error is None or getattr(exc, "_cpxl_zh", False):
                    raise
                new = usage_error(_zh_usage(exc.format_message()), ctx=getattr(exc, "ctx", None))
                new._cpxl_zh = True
                raise new from None

    Localized.__name__ = f"Zh{base.__name__}"
    return Localized


def localize_help(app: typer.Typer, *, width: int = 120) -> None:
    """Chinese help for every command of `app` (and its sub-apps): panel titles, usage line, the help option,
    usage errors; help text folded, never cut with “…”, and at least `width` columns when not on a terminal."""
    import os

    from typer import core
    from rich.text import Text

    try:
        from typer import rich_utils as ru
    except ImportError:  # pragma: no cover - Typer without rich: plain click help
        ru = None
    if ru is not None:
        for name, value in {
            "ARGUMENTS_PANEL_TITLE": "参数",
            "OPTIONS_PANEL_TITLE": "选项",
            "COMMANDS_PANEL_TITLE": "命令",
            "ERRORS_PANEL_TITLE": "错误",
            "ABORTED_TEXT": "已中止。",
            "REQUIRED_LONG_STRING": "[必填]",
            "DEFAULT_STRING": "[默认：{}]",
            "ENVVAR_STRING": "[环境变量：{}]",
            "RICH_HELP": "用 [blue]'{command_path} {help_option}'[/] 查看帮助。",
        }.items():
            if hasattr(ru, name):
                setattr(ru, name, value)
        if not os.environ.get("TERMINAL_WIDTH") and hasattr(ru, "MAX_WIDTH") and not out.is_terminal:
            ru.MAX_WIDTH = width
        make_text = getattr(ru, "_make_rich_text", None)
        if make_text is not None and not getattr(make_text, "_cpxl_fold", False):

            def folded(*args, **kwargs):
                text = make_text(*args, **kwargs)
                if isinstance(text, Text):
                    text.overflow = "fold"  # CJK help has no spaces to wrap at: fold it rather than cut it
                return text

            folded._cpxl_fold = True
            ru._make_rich_text = folded

    command_cls, group_cls = _localized(core.TyperCommand), _localized(core.TyperGroup)

    def default(cls, base) -> bool:
        return cls is None or cls is base or isinstance(cls, typer.models.DefaultPlaceholder)

    def walk(sub: typer.Typer) -> None:
        if default(sub.info.cls, core.TyperGroup):
            sub.info.cls = group_cls
        sub.info.options_metavar = "[选项]"
        sub.info.subcommand_metavar = "命令 [参数]..."
        for command in sub.registered_commands:
            if default(command.cls, core.TyperCommand):
                command.cls = command_cls
            if command.options_metavar == "[OPTIONS]":
                command.options_metavar = "[选项]"
        for group in sub.registered_groups:
            if default(group.cls, core.TyperGroup):
                group.cls = group_cls
            group.options_metavar = "[选项]"
            group.subcommand_metavar = "命令 [参数]..."
            if group.typer_instance is not None:
                walk(group.typer_instance)

    walk(app)
