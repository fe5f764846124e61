"""Atomic output: write to a temporary file beside the target, then rename. A crash leaves the previous
output intact and no partial file behind; the input workbook is never a target.

A process killed while writing (SIGKILL, power cut) cannot remove its temporary file: it stays hidden
(``.<name>.<pid>.<random>.tmp``) and the next write to the same target removes it."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import CpxlError, OutputExists

STALE_SECONDS = 24 * 3600  # where a writer's liveness cannot be checked, a temporary file this old is stale


def check_target(target: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> Path:
    target = Path(target)
    for src in inputs:
        # the same path, or the same file reached through a link
        same_file = Path(src).exists() and target.exists() and os.path.samefile(src, target)
        if same_file or Path(src).resolve() == target.resolve():
            raise OutputExists(f"输出文件与输入文件相同：{target}（不会覆盖输入工作簿，请另选输出路径）")
    if target.is_dir():
        raise OutputExists(f"输出路径是一个文件夹：{target}")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputExists(f"输出位置无效：{parent} 是一个文件而不是文件夹（{target}）")
    if target.exists() and not force:
        raise OutputExists(f"输出文件已存在：{target}（使用 --force 覆盖）")
    return target


@contextlib.contextmanager
def atomic_path(target: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target` in one rename."""
    target = check_target(Path(target), inputs=inputs, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise CpxlError(f"无法在输出位置创建文件（{exc.strerror or exc}）：{target}") from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        try:
            # mkstemp makes the file private; give it the mode a normal save would (or the old file's)
            os.chmod(tmp_path, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
            with open(tmp_path, "rb+") as fh:  # on disk before the rename, so a power cut cannot leave it empty
                os.fsync(fh.fileno())
            os.replace(tmp_path, target)
        except OSError as exc:
            raise CpxlError(f"无法写入输出文件（{exc.strerror or exc}），原有文件未改动：{target}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink()


def _remove_stale(target: Path) -> None:
    """Temporary files of `target` left by a writer that was killed."""
    for tmp in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
        pid = tmp.name[len(target.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            if os.name == "posix":
                try:
                    os.kill(int(pid), 0)
                    continue  # its writer is still running
                except ProcessLookupError:
                    pass
                except PermissionError:
                    continue
            elif time.time() - tmp.stat().st_mtime < STALE_SECONDS:
                continue
            tmp.unlink()
        except OSError:
            pass


def glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
