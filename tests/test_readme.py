"""The README's two set-up commands stay true: CI runs exactly the test command it shows."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands(text: str) -> list[str]:
    blocks = text.split("```bash")[1:]
    return [line for b in blocks for line in b.split("```")[0].splitlines() if line and not line.startswith("#")]


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## 快速开始")[1].split("\n## ")[0]
    demo, tests = _commands(quick)
    assert demo.endswith("cpxl demo") and "pip install" in demo
    assert tests.endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci.splitlines()
