"""`nwd assess` on worked cases as written (`{"case": ..., "expect": ...}`), the example
case, and the coordinator in words."""

from __future__ import annotations

import json
from typing import Any, get_args

from helpers import SHARED, run_nwd
from nowrongdoor.cli.assess import as_text
from nowrongdoor.guidance.schemas import COORDINATOR_WORDS, CoordinatorFrom

RISKY = {"setting": "iapt", "screens": {"phq9": [0] * 8 + [2]}}


def vignette(case: Any) -> dict[str, Any]:
    return {"title": "self-harm thoughts", "source": "PHQ-9 item 9", "case": case, "expect": {}}


def test_a_vignette_is_assessed_as_its_case() -> None:
    wrapped = run_nwd("assess", "-", stdin=json.dumps(vignette(RISKY)))
    assert wrapped.returncode == 0, wrapped.stderr
    assert wrapped.stdout == run_nwd("assess", "-", stdin=json.dumps(RISKY)).stdout
    assert "RISK-SUICIDE" in wrapped.stdout


def test_the_shared_vignettes_are_assessed_as_written() -> None:
    done = run_nwd("assess", str(SHARED / "vignettes" / "v04.json"))
    assert done.returncode == 0, done.stderr
    assert "RISK-SUICIDE" in {r["code"] for r in json.loads(done.stdout)["recommendations"]}
    misspelt = run_nwd("assess", str(SHARED / "vignettes" / "v06.json"))
    assert (misspelt.returncode, misspelt.stdout) == (2, "")
    assert misspelt.stderr.startswith("engagment: ")


def test_a_vignette_without_a_case_object_exits_2_naming_it() -> None:
    done = run_nwd("assess", "-", stdin=json.dumps(vignette([RISKY])))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "case: must be a JSON object\n"


def test_a_case_beside_a_setting_is_still_an_unknown_field() -> None:
    done = run_nwd("assess", "-", stdin=json.dumps({**RISKY, "case": {}}))
    assert (done.returncode, done.stderr) == (2, "case: unknown field\n")


def test_batch_lines_may_be_vignettes() -> None:
    lines = [RISKY, vignette(RISKY), vignette(None)]
    done = run_nwd("assess", "--batch", "-", stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert done.returncode == 2
    first, second = done.stdout.splitlines()
    assert first == second
    assert done.stderr == "line 3: case: must be a JSON object\n"


def test_the_example_case_assesses() -> None:
    for form in ("json", "text"):
        done = run_nwd("assess", "--format", form, "examples/case.json")
        assert (done.returncode, done.stderr) == (0, "")


def test_every_coordinator_has_words() -> None:
    assert set(COORDINATOR_WORDS) == set(get_args(CoordinatorFrom))


def test_text_names_the_coordinator_in_words() -> None:
    assessment = {
        "scores": {},
        "recommendations": [],
        "iapt_suitability": {"status": "not-applicable", "because": []},
        "care_coordination": {"coordinator_from": "camhs", "under_cpa": False, "because": []},
        "ruleset": {"name": "nowrongdoor-pathway", "version": "2", "sha256": "0" * 64},
    }
    text = as_text(assessment)
    assert "CARE COORDINATOR: from Child and adolescent mental health services (CAMHS)\n" in text
