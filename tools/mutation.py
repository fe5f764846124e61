"""Mutation testing (mutmut 3) of one part of cpxl at a time, with only the tests that exercise it.

    python tools/mutation.py cpxl/calc
    python tools/mutation.py cpxl/workbook/check.py --max-children 1
    python tools/mutation.py cpxl/report/analysis.py --sample 0.3 --seed 15
    python tools/mutation.py cpxl/calc --tests tests/test_calc_water.py   # other tests than the mapped ones

Needs the `mutation` extra (mutmut). Runs outside the everyday loop: a full run of cpxl/calc takes tens of minutes
on two cores. Each target gets its own working directory under build/mutation/ (the project's code and tests
linked in, a pyproject.toml with the [tool.mutmut] section written for that target), so targets do not share
mutmut's cache and the project's pyproject.toml keeps no per-target settings. mutmut keeps its results there
between runs; --fresh starts over. The workbooks the tests build (the demo, the check tests' edited copies) are
kept in kept/ there between the mutants' test runs, unless building them ran the mutated code (tests/built.py).

The last lines printed are the row for benchmarks/README.md: mutants, killed, survived (including those no
selected test reaches), timeout, kill rate. The surviving mutants are listed with their names, for
`python -m mutmut show NAME` in the working directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fnmatch
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "mutation"

# Path prefix of the mutated code -> the test files that exercise it. A prefix, not a file, so a module that
# becomes a package (analysis.py -> analysis/) keeps its tests.
TESTS_BY_TARGET = {
    "cpxl/calc": ["tests/test_calc_*.py", "tests/test_park_eval.py", "tests/test_mutants_calc.py"],
    "cpxl/workbook/check": ["tests/test_check.py", "tests/test_mutants_check.py"],
    "cpxl/report/analysis": [
        "tests/test_report_text.py",
        "tests/test_report_conclusions.py",  # test_report_kinds.py also reaches it, through whole exports: too slow
        "tests/test_mutants_analysis*.py",
    ],
}

# Tests that read a module's source text: under mutmut that text holds every mutant's copy of each function.
READS_SOURCE = ["tests/test_check.py::test_every_rule_fires_in_a_test"]

# Passed to every pytest run mutmut makes: the quick loop's selection, no random order, no xdist workers.
PYTEST_ARGS = ["-m", "not slow and not libreoffice", "-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider"]
PYTEST_ARGS += [arg for test in READS_SOURCE for arg in ("--deselect", test)]

# Functions that build module-level tables while the module is imported. mutmut imports the code once and forks
# a child per mutant, so a mutant of these never runs: it is counted apart, not as survived.
IMPORT_TIME = ("cpxl.calc.park.x__ind__", "cpxl.calc.energy.x__range__", "cpxl.calc.parameters.x__coefficient_rows__")

# mutmut's exit codes of a mutant's test run, grouped as the record counts them (mutmut.stats.status_by_exit_code).
STATUS = {"killed": "killed", "survived": "survived", "no tests": "survived", "timeout": "timeout"}


def test_files(target: str, patterns: list[str] | None) -> list[str]:
    if patterns is None:
        patterns = next((tests for prefix, tests in TESTS_BY_TARGET.items() if target.startswith(prefix)), None)
        if patterns is None:
            raise SystemExit(f"no tests mapped to {target}: give them with --tests")
    files = sorted({f for p in patterns for f in glob.glob(p, root_dir=ROOT)})
    if not files:
        raise SystemExit(f"no test file matches {patterns}")
    return files


def only_mutate(target: str) -> str:
    path = ROOT / target
    if path.is_dir():
        return target.rstrip("/") + "/*"
    if path.is_file():
        return target
    raise SystemExit(f"{target}: no such file or package")


def mutmut_config(target: str, tests: list[str]) -> str:
    def toml_list(items: list[str]) -> str:
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    return "\n".join(
        [
            "[tool.mutmut]",
            'source_paths = ["cpxl"]',
            # the report tests read the blank workbooks next to the code
            'also_copy = ["xlsx_templates"]',
            f"only_mutate = {toml_list([only_mutate(target)])}",
            f"pytest_add_cli_args = {toml_list(PYTEST_ARGS)}",
            f"pytest_add_cli_args_test_selection = {toml_list(tests)}",
            # hypothesis tests vary in time from run to run; a mutant that makes them loop still stops.
            "timeout_multiplier = 5.0",
            "timeout_constant = 5.0",
            "use_git_change_detection = false",
            "",
        ]
    )


def prepare(target: str, tests: list[str], fresh: bool) -> Path:
    work = WORK / re.sub(r"[^A-Za-z0-9]+", "_", target).strip("_")
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for name in ("cpxl", "tests", "xlsx_templates"):
        link = work / name
        if not link.exists():
            link.symlink_to(ROOT / name, target_is_directory=True)
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = re.sub(r"(?ms)^\[tool\.mutmut\].*?(?=^\[|\Z)", "", project)  # a section of its own only
    (work / "pyproject.toml").write_text(project.rstrip() + "\n\n" + mutmut_config(target, tests), encoding="utf-8")
    return work


def mutmut(work: Path, target: str, *args: str, quiet: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the mutants/ copy must be the one imported
    # the demo workbooks and the tests' edited copies, kept between the mutants' test runs unless building them
    # ran the mutated code (tests/built.py)
    env.update(CPXL_TEST_CACHE=str(work / "kept"), CPXL_TEST_CACHE_GUARD=target)
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=work, env=env, text=True, capture_output=quiet, check=False)


def statuses(work: Path) -> dict[str, str]:
    """Every generated mutant of the target and its status as mutmut recorded it ("not checked" before a run)."""
    from mutmut.stats import (
        status_by_exit_code,  # mutmut's own reading of its exit codes
    )

    found = {}
    for meta in (work / "mutants").rglob("*.py.meta"):
        for name, code in json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"].items():
            found[name] = status_by_exit_code[code]
    return found


def sample(names: list[str], share: float, seed: int) -> list[str]:
    """A reproducible share of the mutants: sorted names, shuffled with the seed, the first share of them."""
    ordered = sorted(names)
    random.Random(seed).shuffle(ordered)
    return sorted(ordered[: max(1, round(share * len(ordered)))])


def generate(work: Path, target: str) -> dict[str, str]:
    """mutmut generates the mutants only inside `run`: run it on no existing mutant to get the list."""
    if not (work / "mutants").exists():
        done = mutmut(work, target, "run", "--max-children", "1", "__no_such_mutant__", quiet=True)
        if not list((work / "mutants").rglob("*.py.meta")):
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit("mutmut generated no mutants")
    return statuses(work)


def report(target: str, command: str, found: dict[str, str], chosen: list[str] | None) -> None:
    counted = {n: s for n, s in found.items() if chosen is None or n in chosen}
    never_run = sorted(n for n in counted if n.startswith(IMPORT_TIME))
    counted = {n: s for n, s in counted.items() if n not in never_run}
    groups = Counter(STATUS.get(s, s) for s in counted.values())
    total = len(counted)
    killed = groups["killed"]
    rate = 100 * killed / total if total else 0.0
    survivors = sorted(n for n, s in counted.items() if STATUS.get(s) == "survived")
    for name in survivors:
        print(f"  {counted[name]:10} {name}")
    other = {k: v for k, v in groups.items() if k not in ("killed", "survived", "timeout")}
    if other:
        print(f"  also: {dict(other)}")
    if never_run:
        print(f"  {len(never_run)} mutants of import-time table builders left out ({', '.join(IMPORT_TIME)})")
    what = "sample" if chosen is not None else "all"
    print(
        f"| `{target}` | {what} | {total} | {killed} | {groups['survived']} | {groups['timeout']} | "
        f"**{rate:.1f} %** | {dt.date.today().isoformat()} | `{command}` |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="a package directory or module file, e.g. cpxl/calc or cpxl/workbook/check.py")
    parser.add_argument("--tests", nargs="+", help="test files or globs instead of the mapped ones")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--sample", type=float, help="test this share (0-1] of the mutants only")
    parser.add_argument("--seed", type=int, default=15, help="seed of the sample")
    parser.add_argument("--only", nargs="+", help="mutant names or globs (mutmut's own) to run")
    parser.add_argument("--fresh", action="store_true", help="forget earlier results of this target")
    parser.add_argument("--summary", action="store_true", help="print the recorded results, run nothing")
    args = parser.parse_args(argv)

    target = args.target.rstrip("/")
    tests = test_files(target, args.tests)
    work = prepare(target, tests, args.fresh)
    command = "python tools/mutation.py " + " ".join(argv if argv is not None else sys.argv[1:])
    found = generate(work, target)
    chosen = None
    if args.sample:
        chosen = sample(list(found), args.sample, args.seed)
    if args.only:
        chosen = [n for n in found if any(fnmatch.fnmatch(n, p) for p in args.only)]
    if not args.summary:
        print(f"{target}: {len(chosen if chosen is not None else found)} mutants, tests {' '.join(tests)}", flush=True)
        # mutmut reruns every mutant named on its command line: name only those without a result yet
        pending = None if chosen is None else [n for n in chosen if found[n] == "not checked"]
        if pending == []:
            report(target, command, statuses(work), chosen)
            return 0
        done = mutmut(work, target, "run", "--max-children", str(args.max_children), *(pending or []))
        if done.returncode != 0:
            return done.returncode
    report(target, command, statuses(work), chosen)
    return 0


if __name__ == "__main__":
    sys.exit(main())
