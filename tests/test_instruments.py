"""Every shipped instrument scores exactly as its published manual says (INSTRUMENTS.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from hypothesis import given, settings
from hypothesis import strategies as st

from instrument_facts import FACTS, FAST_DECIDES, expected, positions_for_total
from nowrongdoor.errors import InputError
from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.questionnaire import WEIGHT_EXTENSIONS
from nowrongdoor.guidance.scoring import score_positions

NAMES = sorted(FACTS)
FOLDER = Path(instruments.__file__).parent


def score(name: str, positions: list[int]) -> dict[str, object]:
    return score_positions(instruments.load(name), positions).to_json()


def test_all_eight_instruments_of_the_guidance_are_shipped() -> None:
    assert instruments.names() == tuple(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_questionnaire_file_is_valid_fhir_r4(name: str) -> None:
    data = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    Questionnaire.model_validate(data)
    fhir_id = name.replace("_", "-")  # FHIR ids allow no underscore
    assert data["name"] == name
    assert data["id"] == fhir_id
    assert data["url"].endswith(f"/Questionnaire/{fhir_id}")
    assert data["version"]
    assert data["title"]
    assert data["status"] == "active"
    assert len(data["copyright"]) > 40, "copyright must state the source and licence terms"


@pytest.mark.parametrize("name", NAMES)
def test_every_item_has_code_wording_and_weighted_codings(name: str) -> None:
    data = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    questions = [i for i in data["item"] if i["type"] == "choice"]
    assert len(questions) == len(FACTS[name].points)
    for item in questions:
        assert item["linkId"]
        assert item["code"]
        assert len(item["text"]) > 5
        for option in item["answerOption"]:
            coding = option["valueCoding"]
            assert coding["system"]
            assert coding["code"]
            assert coding["display"]
            urls = [e["url"] for e in option["extension"]]
            assert WEIGHT_EXTENSIONS[0] in urls


@pytest.mark.parametrize("name", NAMES)
def test_option_points_are_the_published_points(name: str) -> None:
    instrument = instruments.load(name)
    assert [list(item.points) for item in instrument.items] == FACTS[name].points


@pytest.mark.parametrize("name", [n for n in NAMES if FACTS[n].panel])
def test_loinc_panel_and_total_codes(name: str) -> None:
    instrument = instruments.load(name)
    assert instrument.code is not None
    assert instrument.code.code == FACTS[name].panel
    assert instrument.total_code is not None
    assert instrument.total_code.code == FACTS[name].total_code


BOUNDARIES = [
    (name, band, total)
    for name in NAMES
    for band, low, high in FACTS[name].bands
    for total in sorted({low, high})
]


@pytest.mark.parametrize(("name", "band", "total"), BOUNDARIES)
def test_every_band_boundary_on_both_sides(name: str, band: str, total: int) -> None:
    positions = positions_for_total(name, total)
    if positions is None:  # FAST totals 0 only arise from the early stop, tested below
        assert name == "fast"
        return
    result = score(name, positions)
    assert (result["total"], result["band"]) == (total, band)
    for neighbour in (total - 1, total + 1):
        outside = positions_for_total(name, neighbour)
        if outside is not None:
            assert score(name, outside)["band"] == FACTS[name].band(neighbour)


def test_bands_partition_the_range_and_rise_with_the_total() -> None:
    for name in NAMES:
        instrument = instruments.load(name)
        order = [band.code for band in instrument.bands]
        assert order == [code for code, _, _ in FACTS[name].bands]
        seen = [
            instrument.band_for(t) for t in range(instrument.min_total, instrument.max_total + 1)
        ]
        assert None not in seen
        indexes = [order.index(code) for code in seen if code is not None]
        assert indexes == sorted(indexes), f"{name}: bands must rise with the total"


def test_audit_items_9_and_10_score_0_2_4() -> None:
    result = score("audit", [0] * 8 + [1, 2])
    assert result["items"][8:] == [2, 4]


def test_contract_example_audit_scores_17_higher_risk() -> None:
    assert score("audit", [2, 1, 2, 1, 1, 0, 2, 2, 2, 1]) == {
        "instrument": "audit",
        "total": 17,
        "band": "higher-risk",
        "items": [2, 1, 2, 1, 1, 0, 2, 2, 4, 2],
        "flags": ["dependence-symptoms", "harm-last-year"],
    }


def test_hsi_first_item_is_reversed() -> None:
    assert score("hsi", [0, 0])["items"] == [3, 0]
    assert score("hsi", [3, 3])["items"] == [0, 3]


def test_barc10_scores_one_to_six() -> None:
    assert score("barc10", [0] * 10)["total"] == 10
    assert score("barc10", [5] * 10)["total"] == 60


def test_barc10_47_is_the_higher_recovery_capital_cut_off() -> None:
    assert score("barc10", [4] * 7 + [5, 5, 5])["band"] == "higher"  # 5*7 + 6*3 = 53
    assert score("barc10", [3] * 6 + [5, 5, 5, 4])["band"] == "higher"  # 24 + 18 + 5 = 47
    assert score("barc10", [3] * 7 + [5, 5, 4])["band"] == "lower"  # 28 + 12 + 5 = 45
    assert score("barc10", [3] * 6 + [5, 5, 4, 4])["total"] == 46


@pytest.mark.parametrize(("position", "band"), sorted(FAST_DECIDES.items()))
def test_fast_item_one_decides_alone(position: int, band: str) -> None:
    result = score("fast", [position])
    assert result["band"] == band
    assert result["items"] == [F_POINTS[position]]


F_POINTS = [0, 1, 2, 3, 4]


@pytest.mark.parametrize("position", [1, 2])
def test_fast_stopping_after_item_one_when_it_does_not_decide_is_an_error(position: int) -> None:
    with pytest.raises(InputError, match=r"fast: 1 answers given, expected 1 or 4"):
        score("fast", [position])


def test_fast_never_on_item_one_is_negative_whatever_follows() -> None:
    assert score("fast", [0, 4, 4, 2])["band"] == "negative"


def test_fast_positive_at_three_when_item_one_does_not_decide() -> None:
    assert score("fast", [1, 1, 0, 0])["band"] == "negative"  # total 2
    assert score("fast", [1, 1, 1, 0])["band"] == "positive"  # total 3


FLAG_CASES = [
    ("phq9", [0] * 8 + [1], "self-harm-thoughts", True),
    ("phq9", [3] * 8 + [0], "self-harm-thoughts", False),
    ("phq9", [1] * 9 + [], "caseness", False),
    ("phq9", [1] * 8 + [2], "caseness", True),
    ("gad7", [1] * 7, "caseness", False),
    ("gad7", [1] * 6 + [2], "caseness", True),
    ("audit", [4, 4, 4, 0, 0, 0, 4, 4, 1, 1], "dependence-symptoms", False),
    ("audit", [0, 0, 0, 0, 0, 1, 0, 0, 0, 0], "dependence-symptoms", True),
    ("audit", [0] * 8 + [1, 1], "harm-last-year", False),
    ("audit", [0] * 8 + [0, 2], "harm-last-year", True),
    ("audit_c", [2, 1, 1], "positive", False),
    ("audit_c", [2, 2, 1], "positive", True),
]


@pytest.mark.parametrize(("name", "positions", "flag", "raised"), FLAG_CASES)
def test_every_flag_on_both_sides(name: str, positions: list[int], flag: str, raised: bool) -> None:
    assert (flag in score(name, positions)["flags"]) is raised


def test_self_harm_flag_is_raised_whatever_the_total() -> None:
    result = score("phq9", [0] * 8 + [1])
    assert result["band"] == "none-minimal"
    assert "self-harm-thoughts" in result["flags"]


def answer_lists(name: str) -> st.SearchStrategy[list[int]]:
    options = FACTS[name].points
    return st.tuples(*[st.integers(0, len(o) - 1) for o in options]).map(list)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=10_000)
@given(data=st.data())
def test_total_is_the_sum_of_published_points_and_band_follows(
    name: str, data: st.DataObject
) -> None:
    positions = data.draw(answer_lists(name))
    result = score(name, positions)
    assert result == expected(name, positions)
    assert result["total"] == sum(result["items"])


BAD_VALUES = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=7),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=2_000)
@given(data=st.data())
def test_out_of_range_answers_are_rejected_naming_the_item(name: str, data: st.DataObject) -> None:
    positions: list[object] = list(data.draw(answer_lists(name)))
    index = data.draw(st.integers(0, len(positions) - 1))
    positions[index] = data.draw(BAD_VALUES)
    with pytest.raises(InputError) as error:
        score(name, positions)  # type: ignore[arg-type]
    assert str(error.value).startswith(f"{name}: answer {index + 1} is ")
