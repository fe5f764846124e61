"""Files that are not audit workbooks: one Chinese line, exit 2, and the file is left byte-identical."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from requires import requires_module
from typer.testing import CliRunner

from cpxl.cli import app
from cpxl.workbook.build import build_workbook, save_workbook

runner = CliRunner()


def _xlsx(tmp_path, name="ok.xlsx"):
    return save_workbook(build_workbook("audit"), tmp_path / name)


def _encrypted(tmp_path):
    OOXMLFile = requires_module("msoffcrypto.format.ooxml").OOXMLFile  # the real library writes a real encrypted package
    plain = _xlsx(tmp_path, "plain.xlsx")
    out = io.BytesIO()
    with open(plain, "rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    path = tmp_path / "加密.xlsx"
    path.write_bytes(out.getvalue())
    return path


def _half_sheets(tmp_path):
    path = _xlsx(tmp_path, "half.xlsx")
    wb = openpyxl.load_workbook(path)
    for name in wb.sheetnames[len(wb.sheetnames) // 3 :]:
        wb.remove(wb[name])
    wb.save(path)
    return path


def _truncated(tmp_path):
    data = _xlsx(tmp_path, "full.xlsx").read_bytes()
    path = tmp_path / "截断.xlsx"
    path.write_bytes(data[: len(data) // 2])
    return path


def _zip_without_workbook(tmp_path):
    path = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "不是工作簿")
    return path


CASES = {
    "text": (lambda p: _write(p / "文本.xlsx", "企业名称,产量\n啤酒厂,100\n".encode("utf-8")), "不是 Excel .xlsx"),
    "xls": (lambda p: _write(p / "旧版.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)), ".xls"),
    "encrypted": (_encrypted, "加密"),
    "half": (_half_sheets, "缺少"),
    "truncated": (_truncated, "损坏"),
    "zip": (_zip_without_workbook, "没有 Excel 工作簿内容"),
    "empty": (lambda p: _write(p / "空.xlsx", b""), "文件为空"),
    "missing": (lambda p: p / "不存在.xlsx", "找不到文件"),
}


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_file_gives_one_chinese_line_and_exit_2(tmp_path, case):
    make, words = CASES[case]
    path = make(tmp_path)
    before = path.read_bytes() if path.exists() else None
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误：") and words in lines[0], result.output
    assert "Traceback" not in result.output
    if before is not None:
        assert path.read_bytes() == before


# ---- one package guard for check and calc ------------------------------------------------------------


def _corpus():
    """The hostile corpus's zip tools (tests/hostile/corpus.py)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "hostile"))
    import corpus

    return corpus


def _sheet_part(path) -> str:
    with zipfile.ZipFile(path) as zf:
        return next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))


def _ratio_bomb(tmp_path):
    """A sheet of 8 MiB of zeros: deflate packs it about 1 030 to 1, past the guard's 1 000 (a real workbook's
    XML: 5–50)."""
    base = _xlsx(tmp_path, "base.xlsx")
    return _corpus().zeros_member(tmp_path / "压缩比炸弹.xlsx", base, _sheet_part(base), 8)


def _oversized_part(tmp_path):
    """A sheet that declares 600 MB uncompressed (over the 512 MB of one part, under the 1 GiB of all)."""
    from cpxl.workbook import package

    size = 600 * package.MB
    assert package.MAX_PART_BYTES < size < package.MAX_UNCOMPRESSED
    path = _xlsx(tmp_path, "超大部件.xlsx")
    return _corpus().patch_central_sizes(path, _sheet_part(path), size=size)


@pytest.mark.parametrize("make, words", [(_ratio_bomb, "压缩比异常"), (_oversized_part, "解压后过大")], ids=["ratio", "part"])
def test_check_and_calc_refuse_a_zip_bomb_alike(tmp_path, make, words):
    """The same package guard in the reader and in the calculator's package access: the same refusal."""
    path = make(tmp_path)
    part = _sheet_part(path)
    before = path.read_bytes()
    lines = {}
    for command in ("check", "calc"):
        args = [command, str(path)] + (["-o", str(tmp_path / "算后.xlsx")] if command == "calc" else [])
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        lines[command] = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines[command]) == 1 and words in lines[command][0] and part in lines[command][0], result.output
    assert lines["check"] == lines["calc"]
    assert path.read_bytes() == before and not (tmp_path / "算后.xlsx").exists()


def test_the_calculator_package_access_refuses_by_the_same_guard(tmp_path):
    """xlsxio (the calculator's own zip access) refuses a bomb with the reader's message, not limits of its own."""
    from cpxl.errors import UnreadableWorkbook
    from cpxl.workbook import xlsxio
    from cpxl.workbook.read import open_calamine

    path = _ratio_bomb(tmp_path)
    with pytest.raises(UnreadableWorkbook) as reader:
        open_calamine(path)
    with pytest.raises(xlsxio.PackageError) as calc:
        xlsxio.open_package(path)
    assert str(calc.value) == str(reader.value)
