"""The clinical test pack: vignettes written from the seeds and rule catalogue v2.

Each file in clinical/vignettes is one person at one contact, in the shape of the shared
vignettes, checked by the same `check_vignette`. The pack must also reach every setting of
the case contract and the populations the catalogue names (under-18s, pregnancy, carers).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest

from nowrongdoor.guidance.pathway.case import Setting
from vignette_check import check_vignette

PACK = sorted((Path(__file__).parent / "clinical" / "vignettes").glob("*.json"))
# The `expect` keys check_vignette reads (../shared/vignettes/README.md): a misspelt key
# would otherwise be skipped and the vignette pass without checking anything.
CHECKS = {"status", "include", "exclude", "urgent", "coordinator_from", "cpa", "scores", "flags"}


def load(path: Path) -> dict[str, Any]:
    vignette: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return vignette


def test_the_pack_is_there() -> None:
    """Never pass by finding no vignette."""
    assert len(PACK) >= 60


@pytest.mark.parametrize("path", PACK, ids=[p.stem for p in PACK])
def test_clinical_vignette(path: Path) -> None:
    vignette = load(path)
    assert {"title", "source", "case", "expect"} <= set(vignette), "title, source, case, expect"
    expect = vignette["expect"]
    if expect.get("error"):
        assert set(expect) == {"error", "field"}, sorted(expect)
    else:
        assert set(expect) <= CHECKS, sorted(set(expect) - CHECKS)
        assert set(expect) & CHECKS, "expects nothing"
    check_vignette(vignette)


def test_the_pack_covers_every_setting_and_population() -> None:
    cases = [v["case"] for v in map(load, PACK) if not v["expect"].get("error")]
    assert {c["setting"] for c in cases} >= set(get_args(Setting))
    circumstances = [c.get("circumstances") or {} for c in cases]
    assert any(isinstance(c.get("age"), int) and c["age"] < 18 for c in cases), "an under-18"
    assert any(c.get("pregnant_or_postnatal") is True for c in circumstances), "a pregnancy"
    assert any(c.get("cares_for_someone_who_uses") is True for c in circumstances), "a carer"
