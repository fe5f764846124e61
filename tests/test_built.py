"""tests/built.py: workbooks kept between mutation runs' test sessions only when building them ran none of the
mutated code, and found again only from the same sources and inputs."""

from __future__ import annotations

import built
import pytest

# imported here, not while building: importing runs the module's code, which the guard sees
from cpxl.values import normalize_text


def _writer(calls: list, use_guarded: bool):
    def write(directory):
        calls.append(directory)
        directory.mkdir(parents=True, exist_ok=True)
        text = normalize_text(" a b ") if use_guarded else "ab"
        (directory / "out.txt").write_text(text, encoding="utf-8")
        return [directory / "out.txt"]

    return write


def test_kept_files_are_copied_instead_of_written_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CPXL_TEST_CACHE", str(tmp_path / "kept"))
    monkeypatch.setenv("CPXL_TEST_CACHE_GUARD", "cpxl/values.py")
    inputs = tmp_path / "input.txt"
    inputs.write_text("1", encoding="utf-8")
    calls = []
    first = built.kept("probe", _writer(calls, False), tmp_path / "a", inputs=(inputs,))
    again = built.kept("probe", _writer(calls, False), tmp_path / "b", inputs=(inputs,))
    assert calls == [tmp_path / "a"] and again == [tmp_path / "b" / "out.txt"]
    assert again[0].read_text(encoding="utf-8") == first[0].read_text(encoding="utf-8") == "ab"
    # another name, or the same name built from another input, is written afresh
    built.kept("other probe", _writer(calls, False), tmp_path / "c", inputs=(inputs,))
    changed = tmp_path / "changed.txt"
    changed.write_text("2", encoding="utf-8")
    built.kept("probe", _writer(calls, False), tmp_path / "d", inputs=(changed,))
    assert calls == [tmp_path / "a", tmp_path / "c", tmp_path / "d"]
    # not kept when asked not to
    built.kept("probe", _writer(calls, False), tmp_path / "e", inputs=(inputs,), keep=False)
    assert calls[-1] == tmp_path / "e"


def test_files_whose_building_ran_the_guarded_code_are_not_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("CPXL_TEST_CACHE", str(tmp_path / "kept"))
    monkeypatch.setenv("CPXL_TEST_CACHE_GUARD", "cpxl/values.py")
    calls = []
    with pytest.warns(UserWarning, match="cpxl/values.py"):
        built.kept("guarded", _writer(calls, True), tmp_path / "a")
    with pytest.warns(UserWarning):
        built.kept("guarded", _writer(calls, True), tmp_path / "b")
    assert calls == [tmp_path / "a", tmp_path / "b"]  # written each time
    _, ran = built.watched(lambda: None)
    assert ran == set()


def test_nothing_is_kept_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("CPXL_TEST_CACHE", raising=False)
    calls = []
    built.kept("plain", _writer(calls, False), tmp_path / "a")
    built.kept("plain", _writer(calls, False), tmp_path / "b")
    assert calls == [tmp_path / "a", tmp_path / "b"]
