"""tests/requires.py: a missing tool or module skips a test locally and fails it in CI."""

import pytest
from requires import requires, requires_module


@pytest.mark.parametrize("ci", ["", "0", "false"])
def test_missing_tool_or_module_skips_outside_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="no-such-program-cpxl is not installed"):
        requires("no-such-program-cpxl")
    with pytest.raises(pytest.skip.Exception, match="module no_such_module_cpxl is not installed"):
        requires_module("no_such_module_cpxl")


@pytest.mark.parametrize("ci", ["true", "1"])
def test_missing_tool_or_module_fails_in_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI must provide this: program no-such-program-cpxl / other-cpxl"):
        requires("no-such-program-cpxl", "other-cpxl")
    with pytest.raises(pytest.fail.Exception, match="CI must provide this: module no_such_module_cpxl"):
        requires_module("no_such_module_cpxl")


def test_present_tool_and_module_are_returned(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert requires("no-such-program-cpxl", "python3").endswith("python3")
    assert requires_module("json.decoder").__name__ == "json.decoder"
