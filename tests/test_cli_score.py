"""`nwd score` as a user or a script meets it: the contract's output, and exit 2 on bad input."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import run_nwd
from nowrongdoor.guidance.schemas import ScoreRequest, ScoreResult


def test_score_prints_the_contract_example() -> None:
    done = run_nwd("score", "audit", "-", stdin='{"answers": [2, 1, 2, 1, 1, 0, 2, 2, 2, 1]}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "instrument": "audit",
        "total": 17,
        "band": "higher-risk",
        "items": [2, 1, 2, 1, 1, 0, 2, 2, 4, 2],
        "flags": ["dependence-symptoms", "harm-last-year"],
    }
    assert list(json.loads(done.stdout)) == ["instrument", "total", "band", "items", "flags"]


def test_score_reads_a_file_argument() -> None:
    done = run_nwd("score", "phq9", "examples/phq9.json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["band"] == "moderate"


BAD_INPUT = [
    ("phq9", '{"answers": [0, 0]}', "phq9: 2 answers given, expected 9"),
    ("phq9", '{"answers": [0, 0, 0, 0, 0, 0, 0, 0, 4]}', "phq9: answer 9 is 4, expected 0-3"),
    ("audit", '{"answers": [0, 0, 0, 0, 0, 0, 0, 0, 3, 0]}', "audit: answer 9 is 3, expected 0-2"),
    ("gad7", '{"answers": [0, 0, "1", 0, 0, 0, 0]}', 'gad7: answer 3 is "1", expected 0-3'),
    ("gad7", '{"answers": [0, 0, 1.5, 0, 0, 0, 0]}', "gad7: answer 3 is 1.5, expected 0-3"),
    ("gad7", '{"answers": [true, 0, 0, 0, 0, 0, 0]}', "gad7: answer 1 is true, expected 0-3"),
    ("gad7", '{"answers": [null, 0, 0, 0, 0, 0, 0]}', "gad7: answer 1 is null, expected 0-3"),
    ("hsi", '{"answers": [0, 0, 0]}', "hsi: 3 answers given, expected 2"),
    ("phq10", '{"answers": []}', "phq10: unknown instrument, expected one of audit, "),
    ("phq9", '{"answers": [0, 0', "phq9: malformed JSON at line 1, column"),
    ("phq9", '{"answrs": [0]}', "phq9: answrs: unknown field, expected only 'answers'"),
    ("phq9", "{}", "phq9: answers: missing"),
    ("phq9", '{"answers": "000000000"}', "phq9: answers must be a list of option positions"),
    ("phq9", "[0, 0]", 'phq9: expected an object like {"answers": [0, 1, ...]}'),
    ("fast", '{"answers": []}', "fast: 0 answers given, expected 1 or 4"),
]


@pytest.mark.parametrize(("instrument", "stdin", "message"), BAD_INPUT)
def test_bad_input_exits_2_with_one_line_naming_the_item(
    instrument: str, stdin: str, message: str
) -> None:
    done = run_nwd("score", instrument, "-", stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(message), done.stderr


def test_missing_file_is_exit_2() -> None:
    done = run_nwd("score", "phq9", "no/such/file.json")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("no/such/file.json: cannot read")


def test_unknown_option_is_exit_2_in_one_line() -> None:
    done = run_nwd("score", "phq9", "--colour")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1


@settings(max_examples=15)
@given(
    st.lists(st.integers(0, 3), min_size=9, max_size=9),
    st.integers(0, 8),
    st.one_of(st.integers(4, 99), st.integers(-99, -1)),
)
def test_out_of_range_lists_exit_2_through_the_cli(
    answers: list[int], index: int, bad: int
) -> None:
    answers[index] = bad
    done = run_nwd("score", "phq9", "-", stdin=json.dumps({"answers": answers}))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"phq9: answer {index + 1} is {bad}, expected 0-3\n"


def test_list_names_every_instrument() -> None:
    done = run_nwd("score", "--list")
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert names == ["audit", "audit_c", "barc10", "fast", "gad7", "hsi", "phq9", "sadq"]
    as_json = json.loads(run_nwd("score", "--list", "--json").stdout)
    assert {row["instrument"]: row["total"] for row in as_json}["barc10"] == [10, 60]


def test_schema_score_describes_input_and_output() -> None:
    done = run_nwd("schema", "score")
    schema = json.loads(done.stdout)
    assert schema["request"]["required"] == ["answers"]
    assert schema["request"]["additionalProperties"] is False
    assert {"instrument", "total", "band", "items", "flags"} <= set(schema["result"]["properties"])


def test_fhir_output_is_a_valid_bundle_with_the_loinc_total_and_flags() -> None:
    done = run_nwd("score", "phq9", "examples/phq9.json", "--fhir")
    bundle = json.loads(done.stdout)
    Bundle.model_validate(bundle)
    response, observation = (entry["resource"] for entry in bundle["entry"])
    assert response["resourceType"] == "QuestionnaireResponse"
    assert response["questionnaire"] == "https://nowrongdoor.org/fhir/Questionnaire/phq9|1.0.0"
    assert [i["answer"][0]["valueCoding"]["code"] for i in response["item"]][:2] == [
        "LA6570-1",
        "LA6570-1",
    ]
    assert observation["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "44261-6",
        "display": "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
    }
    assert observation["valueInteger"] == 13
    assert observation["interpretation"][0]["text"] == "moderate"
    assert [c["code"]["text"] for c in observation["component"]] == [
        "self-harm-thoughts",
        "caseness",
    ]
    assert observation["derivedFrom"][0]["reference"] == bundle["entry"][0]["fullUrl"]


def test_fhir_output_is_the_same_for_the_same_response() -> None:
    first = run_nwd("score", "phq9", "examples/phq9.json", "--fhir").stdout
    assert first == run_nwd("score", "phq9", "examples/phq9.json", "--fhir").stdout


def test_batch_scores_good_lines_and_reports_bad_ones_by_number(tmp_path: object) -> None:
    lines = [
        '{"answers": [0, 0, 0, 0, 0, 0, 0, 0, 0]}',
        '{"answers": [0, 0, 0, 0, 0, 0, 0, 0, 4]}',
        "",
        "not json",
        '{"answers": [3, 3, 3, 3, 3, 3, 3, 3, 3]}',
    ]
    done = run_nwd("score", "phq9", "--batch", "-", stdin="\n".join(lines) + "\n")
    assert done.returncode == 2
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["total"] for r in results] == [0, 27]
    reported = done.stderr.splitlines()
    assert reported[0] == "line 2: phq9: answer 9 is 4, expected 0-3"
    assert reported[1].startswith("line 4: phq9: malformed JSON: ")
    assert len(reported) == 2


def test_batch_of_good_lines_exits_0() -> None:
    done = run_nwd("score", "gad7", "--batch", "-", stdin='{"answers": [1,1,1,1,1,1,1]}\n')
    assert done.returncode == 0
    assert json.loads(done.stdout)["band"] == "mild"


@settings(max_examples=500)
@given(
    st.dictionaries(
        st.sampled_from(["answers", "answrs", "extra"]),
        st.one_of(st.lists(st.integers(-1, 4), max_size=9), st.integers(), st.text(max_size=2)),
        max_size=2,
    )
)
def test_published_schema_accepts_exactly_what_the_engine_accepts(
    request: dict[str, object],
) -> None:
    """The pydantic model (schema, API) and the engine's own check must not disagree."""
    from pydantic import ValidationError

    from nowrongdoor.errors import InputError
    from nowrongdoor.guidance import instruments
    from nowrongdoor.guidance.scoring import score_request

    try:
        ScoreRequest.model_validate(request)
        schema_ok = True
    except ValidationError:
        schema_ok = False
    engine_envelope_ok = set(request) == {"answers"} and isinstance(request["answers"], list)
    assert schema_ok is engine_envelope_ok
    try:
        result = score_request(instruments.load("phq9"), request)
    except InputError:
        return
    assert schema_ok
    ScoreResult.model_validate(result.to_json())
