"""Atomic output: write to a temporary file beside the target, then rename. A crash leaves the previous
output intact and no partial file behind; the input workbook is never a target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import OutputExists


def check_target(target: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> Path:
    target = Path(target)
    for src in inputs:
        if Path(src).exists() and target.exists() and os.path.samefile(src, target):
            raise OutputExists(f"输出文件与输入文件相同：{target}（不会覆盖输入工作簿，请另选输出路径）")
        if Path(src).resolve() == target.resolve():
            raise OutputExists(f"输出文件与输入文件相同：{target}（不会覆盖输入工作簿，请另选输出路径）")
    if target.exists() and not force:
        raise OutputExists(f"输出文件已存在：{target}（使用 --force 覆盖）")
    if target.exists() and target.is_dir():
        raise OutputExists(f"输出路径是一个文件夹：{target}")
    return target


@contextlib.contextmanager
def atomic_path(target: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target` in one rename."""
    target = check_target(Path(target), inputs=inputs, force=force)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        # mkstemp makes the file private; give it the mode a normal save would (or the old file's)
        os.chmod(tmp_path, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        os.replace(tmp_path, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
