"""File names as the file system holds them, shown as people read them.

On Linux a name is bytes. A folder copied from a Chinese Windows machine (a zip unpacked without
conversion, an old Samba share) holds names in GBK, which Python turns into a str with lone surrogates
(``\\udcc6\\udcf3`` for the byte ``\\xc6\\xf3``, PEP 383). Such a str opens the file (``os.fsencode`` gives the
original bytes back) but cannot be printed, written into XML or passed to code that wants UTF-8.

:func:`display_name` gives the text to show: the bytes decoded as UTF-8, else as GBK (GB18030) when that
is valid, else with the undecodable bytes written as ``\\xHH``. :func:`clean_text` does the same for every
such name inside a message.
"""

from __future__ import annotations

import os
import re
from pathlib import PurePath

_ESCAPED = re.compile(r"[\udc80-\udcff]")
_LONE = re.compile(r"[\ud800-\udfff]")
# a run of characters holding an escaped byte, up to a path separator, space or the punctuation of messages
_TOKEN = re.compile(r"[^\s/\\：:（）()“”\"'，,、；;]*[\udc80-\udcff][^\s/\\：:（）()“”\"'，,、；;]*")


def has_escapes(text: str) -> bool:
    """Whether the str holds bytes that were not valid in the file system encoding (or lone surrogates)."""
    return _LONE.search(text) is not None


def decode_bytes(raw: bytes) -> str:
    """Bytes of a name as text: UTF-8, else GBK/GB18030, else UTF-8 with ``\\xHH`` for what is not valid."""
    for codec in ("utf-8", "gbk", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "backslashreplace")


def _token(text: str) -> str:
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
        return _LONE.sub("\ufffd", text)
    return decode_bytes(raw)


def display_name(path) -> str:
    """A path (str, PurePath or bytes) as text safe to print and to write into a workbook or report:
    each component decoded on its own (a UTF-8 folder may hold a GBK file)."""
    if isinstance(path, bytes):
        raw = path
    else:
        text = str(path) if isinstance(path, PurePath) else path
        if not has_escapes(text):
            return text
        try:
            raw = os.fsencode(text)
        except UnicodeEncodeError:
            return _LONE.sub("\ufffd", text)
    sep = os.sep.encode()
    return sep.decode().join(decode_bytes(part) for part in raw.split(sep))


def clean_text(text: str) -> str:
    """A message with every file name that holds escaped bytes shown as :func:`display_name` does, and
    any other lone surrogate replaced by U+FFFD: always encodable as UTF-8."""
    if not has_escapes(text):
        return text
    text = _TOKEN.sub(lambda m: _token(m.group()), text)
    return _LONE.sub("\ufffd", text)


__all__ = ["clean_text", "decode_bytes", "display_name", "has_escapes"]
