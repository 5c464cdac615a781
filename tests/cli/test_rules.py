"""`frontdoor rules lint` and `frontdoor rules simulate` as an officer runs them: exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

FRONTDOOR = str(REPO / ".venv" / "bin" / "frontdoor")
HARDSHIP_FIRST = (
    "rules:\n  - id: money.early\n    description: d\n    when:\n"
    "      flags_any: [financial_hardship]\n    then:\n      outcome: advisor\n"
    "      queue: revenues\n"
)


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LOG_FORMAT": "json"}
    return subprocess.run(
        [FRONTDOOR, "rules", *args],
        capture_output=True,
        text=True,
        env=base | (env or {}),
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}


@pytest.fixture
def hardship_first(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    """The shipped rules with a hardship rule put before the food rule, as on issue 18."""
    rules_dir = tmp_path / "routing_rules"
    shutil.copytree(REPO / "routing_rules", rules_dir)
    (rules_dir / "55-hardship-first.yaml").write_text(HARDSHIP_FIRST, encoding="utf-8")
    return env | {"ROUTING_RULES_DIR": str(rules_dir)}


def test_lint_passes_the_shipped_rules(env: dict[str, str]) -> None:
    result = run("lint", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ") and "no rule shadowed" in result.stdout


def test_lint_fails_naming_both_rules_of_a_shadowing(hardship_first: dict[str, str]) -> None:
    result = run("lint", env=hardship_first)
    assert result.returncode == 1
    rules_dir = Path(hardship_first["ROUTING_RULES_DIR"])
    (food,) = [line for line in result.stderr.splitlines() if "rule food.support" in line]
    assert food.startswith(f"{rules_dir / '60-advisors.yaml'}:")
    assert f"{rules_dir / '55-hardship-first.yaml'}:2: rule money.early matches first" in food
    assert "shadowed by an earlier rule" in result.stderr.splitlines()[-1]


def test_simulate_passes_the_shipped_examples(env: dict[str, str]) -> None:
    result = run("simulate", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    total, _, rest = result.stdout.strip().partition(" examples: ")
    assert int(total) > 0 and rest == f"{total} as expected"


def test_simulate_lists_what_a_rule_change_moves_and_exits_1(
    hardship_first: dict[str, str],
) -> None:
    result = run("simulate", env=hardship_first)
    assert result.returncode == 1
    moved = result.stdout.splitlines()
    assert moved and all(line.startswith("DIFF ") for line in moved)
    assert any("'foodbank': got advisor revenues" in line for line in moved)
    assert "differ" in result.stderr


def test_simulate_a_malformed_file_exits_2_naming_its_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("examples:\n  - text: hi\n    expect: {outcome: maybe}\n", encoding="utf-8")
    result = run("simulate", str(path), env=env)
    assert result.returncode == 2
    assert f"{path}:3: " in result.stderr


def test_simulate_a_missing_file_is_a_usage_error(env: dict[str, str], tmp_path: Path) -> None:
    result = run("simulate", str(tmp_path / "nowhere.yaml"), env=env)
    assert result.returncode == 2
    assert "does not exist" in result.stderr
