"""`nwd score --questionnaire` against Questionnaires written the way public form libraries do.

The fixtures in tests/third_party/ imitate, without copying whole files:

- `lhc_forms_phq9_44249-1.*`: an LHC-Forms (lforms) export of the LOINC PHQ-9 panel 44249-1,
  as in LHNCBC/lforms-fhir-app e2e-tests/data/R4/phq9.json: linkIds "/<LOINC>", answerOption
  valueCoding with LOINC LA codes, `questionnaire-optionPrefix` and `ordinalValue`
  (valueDecimal), a calculated decimal total-score item (44261-6) built from FHIRPath
  variables, and the unweighted "difficulty" question 69722-7. Every question is required.
- `sdc_phq9_*`: the HL7 SDC example questionnaire-sdc-profile-example-PHQ9 (HL7/sdc
  input/fsh/examples): group "H1/T1", items "H1/T1/Q1".."Q9" with `answerValueSet: "#VSPHQ9"`,
  a contained ValueSet whose compose concepts carry `itemWeight`, the SDC CodeSystem CSPHQ9,
  and a quantity total "H1/TS". No item is required.
- `lhc_forms_gad7_nested.*`: the LOINC GAD-7 panel 69737-5 as a nested LHC-Forms panel (group
  "/69737-5", children "/69737-5/<LOINC>"), weighted with `itemWeight` on answerOption, with one
  question (69733-4) nested under another question, so its answer sits in answer[].item.

Expected totals are worked out by hand from each fixture's answers and written here as numbers.
"""

from __future__ import annotations

import copy
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from nowrongdoor.cli.score import main, run

FIXTURES = Path(__file__).parent / "third_party"
LHC_PHQ9 = FIXTURES / "lhc_forms_phq9_44249-1.questionnaire.json"
LHC_PHQ9_RESPONSE = FIXTURES / "lhc_forms_phq9_44249-1.response.json"
SDC_PHQ9 = FIXTURES / "sdc_phq9_contained_valueset.questionnaire.json"
SDC_PHQ9_RESPONSE = FIXTURES / "sdc_phq9_contained_valueset.response.json"
SDC_PHQ9_Q9_UNANSWERED = FIXTURES / "sdc_phq9_q9_unanswered.response.json"
GAD7 = FIXTURES / "lhc_forms_gad7_nested.questionnaire.json"
GAD7_RESPONSE = FIXTURES / "lhc_forms_gad7_nested.response.json"

LOINC = "http://loinc.org"
CSPHQ9 = "http://hl7.org/fhir/uv/sdc/CodeSystem/CSPHQ9"
SDC_PHQ9_URL = "http://hl7.org/fhir/uv/sdc/Questionnaire/questionnaire-sdc-profile-example-PHQ9"
LHC_PHQ9_ITEMS = [
    "/44250-9",
    "/44255-8",
    "/44259-0",
    "/44254-1",
    "/44251-7",
    "/44258-2",
    "/44252-5",
    "/44253-3",
    "/44260-8",
]
SDC_PHQ9_ITEMS = [f"H1/T1/Q{n}" for n in range(1, 10)]
GAD7_ITEMS = [
    "/69737-5/69725-0",
    "/69737-5/68509-9",
    "/69737-5/68509-9/69733-4",
    "/69737-5/69734-2",
    "/69737-5/69735-9",
    "/69737-5/69689-8",
    "/69737-5/69736-7",
]

# The LHC-Forms export names its FHIRPath variables "q1_value" and so on. R4 types
# Expression.name as `id` ([A-Za-z0-9\-.]{1,64}), so the real export is not valid R4.
LHC_VARIABLE_NAMES = (
    "LHC-Forms exports name FHIRPath variables like 'q1_value'; R4 Expression.name is an id, "
    "which forbids '_' (checked in test_lhc_phq9_is_valid_r4_but_for_its_variable_names)"
)


def nwd() -> str:
    """The installed console script (`python -m` cannot reach the `score` dispatch)."""
    script = Path(sys.executable).parent / "nwd"
    return str(script) if script.exists() else shutil.which("nwd") or "nwd"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def save(directory: Path, name: str, data: dict[str, Any]) -> Path:
    path = directory / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def find_item(node: dict[str, Any], link_id: str) -> dict[str, Any]:
    """The response item with this linkId, searched through groups and answer[].item."""
    children = list(node.get("item", []))
    for answer in node.get("answer", []):
        children.extend(answer.get("item", []))
    for child in children:
        if child.get("linkId") == link_id:
            return child
        try:
            return find_item(child, link_id)
        except KeyError:
            continue
    raise KeyError(link_id)


def remove_item(node: dict[str, Any], link_id: str) -> None:
    node["item"] = [i for i in node.get("item", []) if i.get("linkId") != link_id]
    for child in node["item"]:
        remove_item(child, link_id)


def score(questionnaire: Path, response: Path, *options: str) -> dict[str, Any]:
    out, err = io.StringIO(), io.StringIO()
    argv = [*options, "--questionnaire", str(questionnaire), str(response)]
    assert run(argv, io.StringIO(), out, err) == 0
    assert err.getvalue() == ""
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def bad_input(capsys: pytest.CaptureFixture[str], questionnaire: Path, response: Path) -> str:
    """Run `nwd score` in-process, expect exit 2 and nothing on stdout; the one stderr line."""
    code = main(["--questionnaire", str(questionnaire), str(response)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


# ---------------------------------------------------------------------------- the fixtures


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(path, marks=pytest.mark.skip(reason=LHC_VARIABLE_NAMES))
        if path == LHC_PHQ9
        else path
        for path in sorted(FIXTURES.glob("*.json"))
    ],
    ids=lambda path: path.name,
)
def test_every_fixture_is_valid_fhir_r4b(path: Path) -> None:
    data = load(path)
    model = {"Questionnaire": Questionnaire, "QuestionnaireResponse": QuestionnaireResponse}
    model[data["resourceType"]].model_validate(data)


def test_lhc_phq9_is_valid_r4_but_for_its_variable_names() -> None:
    """The one fixture skipped above fails R4B validation for that reason and no other."""
    text = LHC_PHQ9.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"valueExpression\.name"):
        Questionnaire.model_validate(json.loads(text))
    for n in range(1, 10):
        text = text.replace(f"q{n}_value", f"q{n}-value")
    Questionnaire.model_validate(json.loads(text))


# ---------------------------------------------------------------------------- scoring


def test_lhc_forms_phq9_scores_by_ordinal_value() -> None:
    result = score(LHC_PHQ9, LHC_PHQ9_RESPONSE)
    # Several days 1, More than half the days 2, Nearly every day 3, Several days 1,
    # Not at all 0, Several days 1, More than half the days 2, Not at all 0, Several days 1.
    assert result == {
        "instrument": "PHQ-9 quick depression assessment panel",
        "total": 11,
        "band": None,
        "items": [1, 2, 3, 1, 0, 1, 2, 0, 1],
        "flags": [],
        "ignored": ["/44261-6", "/69722-7"],
    }


def test_sdc_contained_value_set_item_weights_score() -> None:
    result = score(SDC_PHQ9, SDC_PHQ9_RESPONSE)
    # Several-days 1, Not-at-all 0, More than half the days 2, Nearly every day 3,
    # Several-days 1, Not-at-all 0, Several-days 1, Not-at-all 0, Several-days 1.
    assert result == {
        "instrument": "SDCPHQ9",
        "total": 9,
        "band": None,
        "items": [1, 0, 2, 3, 1, 0, 1, 0, 1],
        "flags": [],
        "ignored": ["H1/TS"],
    }


FREQUENCY_LA = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]  # Not at all .. Nearly every day
FREQUENCY_SDC = ["Not-at-all", "Several-days", "More than half the days", "Nearly every day"]


@pytest.mark.parametrize(
    ("questionnaire", "response", "link_ids", "system", "codes", "totals"),
    [
        (LHC_PHQ9, LHC_PHQ9_RESPONSE, LHC_PHQ9_ITEMS, LOINC, FREQUENCY_LA, [0, 9, 18, 27]),
        (SDC_PHQ9, SDC_PHQ9_RESPONSE, SDC_PHQ9_ITEMS, CSPHQ9, FREQUENCY_SDC, [0, 9, 18, 27]),
        (GAD7, GAD7_RESPONSE, GAD7_ITEMS, LOINC, FREQUENCY_LA, [0, 7, 14, 21]),
    ],
    ids=["lhc-phq9", "sdc-phq9", "lhc-gad7"],
)
def test_every_answer_choice_scores_its_published_points(
    tmp_path: Path,
    questionnaire: Path,
    response: Path,
    link_ids: list[str],
    system: str,
    codes: list[str],
    totals: list[int],
) -> None:
    """The same answer to every question: 0, 1, 2 or 3 points times the number of questions."""
    for code, total in zip(codes, totals, strict=True):
        data = load(response)
        for link_id in link_ids:
            find_item(data, link_id)["answer"][0]["valueCoding"] = {"system": system, "code": code}
        assert score(questionnaire, save(tmp_path, "r.json", data))["total"] == total, code


def test_unweighted_items_are_ignored_and_listed(tmp_path: Path) -> None:
    """The calculated total and the difficulty question neither score nor are trusted."""
    data = load(LHC_PHQ9_RESPONSE)
    find_item(data, "/44261-6")["answer"] = [{"valueDecimal": 99}]
    find_item(data, "/69722-7")["answer"] = [
        {"valueCoding": {"system": LOINC, "code": "LA6574-3", "display": "Extremely difficult"}}
    ]
    result = score(LHC_PHQ9, save(tmp_path, "r.json", data))
    assert result["total"] == 11
    assert result["ignored"] == ["/44261-6", "/69722-7"]
    assert len(result["items"]) == 9


def test_nested_answers_are_followed() -> None:
    result = score(GAD7, GAD7_RESPONSE)
    # Group /69737-5: More than half the days 2, Several days 1 (its answer carries
    # 69733-4: Nearly every day 3), Several days 1, Not at all 0, More than half the days 2,
    # Several days 1. The display item and the group itself are neither scored nor listed.
    assert result == {
        "instrument": "gad7-lhc-nested",
        "total": 10,
        "band": None,
        "items": [2, 1, 3, 1, 0, 2, 1],
        "flags": [],
        "ignored": ["/69737-5/70274-6", "/69737-5/69722-7"],
    }


def test_nested_answer_removed_is_missed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The nested question was found in answer[].item: without it the response is incomplete."""
    data = load(GAD7_RESPONSE)
    del find_item(data, "/69737-5/68509-9")["answer"][0]["item"]
    line = bad_input(capsys, GAD7, save(tmp_path, "r.json", data))
    assert "/69737-5/68509-9/69733-4" in line


# ---------------------------------------------------------------------------- bad input


def test_coding_not_among_options_is_an_error_naming_the_item(tmp_path: Path) -> None:
    """Through the installed `nwd` script: exit 2, one line on stderr, nothing on stdout."""
    data = load(LHC_PHQ9_RESPONSE)
    # A real LOINC answer code, but from the difficulty list, not the frequency list.
    find_item(data, "/44254-1")["answer"] = [
        {"valueCoding": {"system": LOINC, "code": "LA6572-7", "display": "Not difficult at all"}}
    ]
    response = save(tmp_path, "r.json", data)
    done = subprocess.run(
        [nwd(), "score", "--questionnaire", str(LHC_PHQ9), str(response)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "/44254-1" in lines[0]
    assert "LA6572-7" in lines[0]


def test_required_weighted_item_missing_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = load(LHC_PHQ9_RESPONSE)
    remove_item(data, "/44260-8")
    line = bad_input(capsys, LHC_PHQ9, save(tmp_path, "r.json", data))
    assert "/44260-8" in line


def test_an_unanswered_weighted_item_is_an_error_never_a_partial_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """INSTRUMENTS.md: totals are never computed from partial answers (here PHQ-9 item 9)."""
    line = bad_input(capsys, SDC_PHQ9, SDC_PHQ9_Q9_UNANSWERED)
    assert "H1/T1/Q9" in line
    assert "partial answers" in line


def test_an_answer_to_an_item_not_in_the_questionnaire_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = load(SDC_PHQ9_RESPONSE)
    data["item"].append({"linkId": "Q99", "answer": [{"valueString": "extra"}]})
    line = bad_input(capsys, SDC_PHQ9, save(tmp_path, "r.json", data))
    assert "Q99" in line


def test_a_questionnaire_without_weights_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = load(LHC_PHQ9)

    def strip(items: list[dict[str, object]]) -> None:
        for item in items:
            for option in item.get("answerOption", []):  # type: ignore[attr-defined]
                option.pop("extension", None)
            strip(item.get("item", []))  # type: ignore[arg-type]

    strip(data["item"])
    line = bad_input(capsys, save(tmp_path, "q.json", data), LHC_PHQ9_RESPONSE)
    assert "no answer option carries a weight" in line


@pytest.mark.parametrize(
    ("questionnaire", "response", "link_id", "coding"),
    [
        (
            SDC_PHQ9,
            SDC_PHQ9_RESPONSE,
            "H1/T1/Q1",
            {"system": LOINC, "code": "Several-days", "display": "Several days"},
        ),
        (
            LHC_PHQ9,
            LHC_PHQ9_RESPONSE,
            "/44250-9",
            {"system": "http://snomed.info/sct", "code": "LA6569-3", "display": "Several days"},
        ),
    ],
    ids=["sdc-code-under-loinc", "loinc-code-under-snomed"],
)
def test_code_matched_with_system(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    questionnaire: Path,
    response: Path,
    link_id: str,
    coding: dict[str, str],
) -> None:
    """The right code under the wrong system is a different answer, not a match."""
    data = load(response)
    find_item(data, link_id)["answer"] = [{"valueCoding": coding}]
    line = bad_input(capsys, questionnaire, save(tmp_path, "r.json", data))
    assert link_id in line
    assert coding["system"] in line


@pytest.mark.parametrize(
    ("questionnaire", "response"),
    [(LHC_PHQ9, LHC_PHQ9_RESPONSE), (SDC_PHQ9, SDC_PHQ9_RESPONSE), (GAD7, GAD7_RESPONSE)],
    ids=["lhc-phq9", "sdc-phq9", "lhc-gad7"],
)
def test_band_is_null_without_bands(questionnaire: Path, response: Path) -> None:
    """Third-party questionnaires carry no band extension, so no band is invented."""
    assert score(questionnaire, response)["band"] is None


def test_not_a_questionnaire_is_exit_2() -> None:
    """A QuestionnaireResponse given as the questionnaire, through the installed script."""
    done = subprocess.run(
        [nwd(), "score", "--questionnaire", str(GAD7_RESPONSE), str(GAD7_RESPONSE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Questionnaire" in lines[0]


def test_not_a_response_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    line = bad_input(capsys, SDC_PHQ9, SDC_PHQ9)
    assert "QuestionnaireResponse" in line


# ---------------------------------------------------------------------------- FHIR output


@pytest.mark.parametrize(
    ("questionnaire", "response", "total", "link_ids"),
    [
        (LHC_PHQ9, LHC_PHQ9_RESPONSE, 11, LHC_PHQ9_ITEMS),
        (GAD7, GAD7_RESPONSE, 10, GAD7_ITEMS),
    ],
    ids=["lhc-phq9", "lhc-gad7"],
)
def test_fhir_output_for_third_party_is_a_valid_bundle(
    questionnaire: Path, response: Path, total: int, link_ids: list[str]
) -> None:
    bundle = score(questionnaire, response, "--fhir")
    Bundle.model_validate(bundle)
    scored, observation = (entry["resource"] for entry in bundle["entry"])
    assert scored["resourceType"] == "QuestionnaireResponse"
    assert [item["linkId"] for item in scored["item"]] == link_ids
    assert "questionnaire" not in scored  # neither fixture has a url
    assert observation["resourceType"] == "Observation"
    assert observation["valueInteger"] == total
    assert "interpretation" not in observation  # no band
    assert "component" not in observation  # no flags
    assert observation["derivedFrom"] == [{"reference": bundle["entry"][0]["fullUrl"]}]


# ---------------------------------------------------------------------------- engine bugs


def test_fhir_response_names_a_versionless_questionnaire_by_its_url() -> None:
    bundle = score(SDC_PHQ9, SDC_PHQ9_RESPONSE, "--fhir")
    assert bundle["entry"][0]["resource"]["questionnaire"] == SDC_PHQ9_URL


def test_fhir_output_for_a_question_without_text(tmp_path: Path) -> None:
    data = load(SDC_PHQ9)
    del data["item"][0]["item"][0]["text"]
    Questionnaire.model_validate(data)  # valid R4
    bundle = score(save(tmp_path, "q.json", data), SDC_PHQ9_RESPONSE, "--fhir")
    Bundle.model_validate(bundle)
    assert "text" not in bundle["entry"][0]["resource"]["item"][0]


def with_expansion(weighted: bool) -> dict[str, Any]:
    """The SDC questionnaire whose contained ValueSet also carries its expansion, as a
    terminology server's $expand returns it (compose kept, contains listed)."""
    data = load(SDC_PHQ9)
    value_set = data["contained"][0]
    concepts = value_set["compose"]["include"][0]["concept"]
    contains = []
    for concept in concepts:
        entry = {"system": CSPHQ9, "code": concept["code"], "display": concept["display"]}
        if weighted:
            entry["extension"] = copy.deepcopy(concept["extension"])
        contains.append(entry)
    value_set["expansion"] = {"timestamp": "2024-06-01T00:00:00Z", "contains": contains}
    Questionnaire.model_validate(data)
    return data


def test_value_set_with_an_unweighted_expansion_keeps_its_compose_weights(
    tmp_path: Path,
) -> None:
    result = score(save(tmp_path, "q.json", with_expansion(False)), SDC_PHQ9_RESPONSE)
    assert result["total"] == 9
    assert result["ignored"] == ["H1/TS"]


def test_value_set_with_an_expansion_still_needs_the_system(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questionnaire = save(tmp_path, "q.json", with_expansion(True))
    assert score(questionnaire, SDC_PHQ9_RESPONSE)["total"] == 9  # with systems: fine
    data = load(SDC_PHQ9_RESPONSE)
    for link_id in SDC_PHQ9_ITEMS:
        del find_item(data, link_id)["answer"][0]["valueCoding"]["system"]
    line = bad_input(capsys, questionnaire, save(tmp_path, "r.json", data))
    assert "not among its options" in line
