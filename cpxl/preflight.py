"""Checks every command runs before any work: inputs exist (before the heavy imports), outputs are acceptable
(suffix, folder, not the input, not existing without --force, not open in Word/Excel, writable), and a warning
when an input workbook is open in Excel/WPS. Shared by the command line and the local page (`cpxl ui`)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import CpxlError, OutputExists, UnreadableWorkbook

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
OPEN_INPUT = "工作簿可能正在 Excel/WPS 中打开，未保存的修改不会被读取"


def office_locks(path: Path) -> list[Path]:
    """The owner files Office, WPS and LibreOffice keep beside a document they have open: ``~$name`` (Excel,
    short names in Word), Word's ``~$`` over the first one or two characters of longer names, and
    LibreOffice's ``.~lock.name#``."""
    path = Path(path)
    name = path.name
    candidates = {f"~${name}", f"~${name[1:]}", f"~${name[2:]}", f".~lock.{name}#"}
    return sorted(p for p in (path.parent / c for c in candidates if len(c) > 2 + len(path.suffix)) if _is_file(p))


def _is_file(path: Path) -> bool:
    """False too where the name cannot exist (a lock name over the file system's 255 bytes)."""
    try:
        return path.is_file()
    except OSError:
        return False


def need_input(path: Path) -> Path:
    """A workbook the user named: refuse a missing file or a folder (exit 2)."""
    path = Path(path)
    if not path.exists():
        raise UnreadableWorkbook(f"找不到文件：{path}")
    if path.is_dir():
        raise UnreadableWorkbook(f"这是一个文件夹，不是工作簿：{path}")
    return path


def need_paths(paths: Iterable[Path]) -> list[Path]:
    """Workbooks or folders (aggregate): each must exist."""
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise CpxlError(f"找不到文件或文件夹：{p}")
    return paths


def open_input_warning(path: Path) -> str | None:
    locks = office_locks(path)
    if not locks:
        return None
    return f"{OPEN_INPUT}：{path}（旁边有锁定文件 {locks[0].name}）"


def need_output(target: Path, suffixes: Sequence[str], *, inputs: Sequence[Path] = (), force: bool = False,
                what: str = "输出文件") -> Path:
    """Refuse an output before any work: wrong suffix, the input itself, a folder, an existing file without
    --force, a document open in Word/Excel/WPS (its lock file is beside it), a folder that cannot be written."""
    from .safeio import check_target

    target = Path(target)
    if target.suffix.lower() not in suffixes:
        raise OutputExists(f"{what}须以 {' 或 '.join(suffixes)} 结尾：{target}")
    check_target(target, inputs=inputs, force=force)
    locks = office_locks(target)
    if locks:
        raise OutputExists(
            f"{what}可能正在 Word/Excel/WPS 中打开（旁边有锁定文件 {locks[0].name}）：{target}。"
            "请先关闭它再重试；若并未打开，可删除该锁定文件"
        )
    probe_writable(target)
    return target


def need_distinct(targets: Sequence[Path]) -> None:
    seen: dict[Path, Path] = {}
    for t in targets:
        key = Path(t).resolve()
        if key in seen:
            raise OutputExists(f"两个输出是同一个文件：{t}")
        seen[key] = Path(t)


def probe_writable(target: Path) -> None:
    """Create and remove a probe file where `target` will be written (its nearest existing folder)."""
    folder = Path(target).parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        fd, probe = tempfile.mkstemp(prefix=".cpxl-probe-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputExists(f"无法在输出位置写入文件（{exc.strerror or exc}）：{folder}") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
