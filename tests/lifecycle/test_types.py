"""case_types.yaml: the shipped file loads; each class of mistake names its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.lifecycle.types import load_case_types
from app.routing.yaml_source import DataFileError
from tests.conftest import REPO


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    target = tmp_path / "routing_rules"
    shutil.copytree(REPO / "routing_rules", target)
    return target


def test_the_shipped_case_types_load() -> None:
    types = load_case_types(REPO / "routing_rules")
    complaint = types["complaint"]
    assert complaint.lifecycle.initial == "received"
    assert [c.working_days for c in complaint.clocks] == [5, 10, 20]
    assert [c.working_days for c in types["member_enquiry"].clocks] == [1, 10]
    assert types["missed_bin"].clocks[0].working_days == 2


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        (
            "received: [acknowledged, closed]",
            "received: [acknowledged, nowhere]",
            "unknown stage 'nowhere'",
        ),
        ("      stage2: [awaiting_resident, closed]\n", "", "'stage2' is a dead end"),
        ("lifecycle: service_request}", "lifecycle: service_requests}", "unknown lifecycle"),
        ("clock_days: {resolve: 2}", "clock_days: {resolv: 2}", "unknown clock 'resolv'"),
        ("working_days: 20}", "working_days: -1}", "greater than 0"),
    ],
)
def test_a_broken_case_types_file_names_file_and_line(
    rules_dir: Path, old: str, new: str, reason: str
) -> None:
    path = rules_dir / "case_types.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(DataFileError) as caught:
        load_case_types(rules_dir)
    assert str(caught.value).startswith(f"{path}:")
    assert reason in str(caught.value)
