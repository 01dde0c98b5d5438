"""Quoted citations: every rule citing a seed carries the seed's own words, found verbatim.

The seeds are read from ../shared/seeds (CI lays shared/ beside the clone); a quote passes
when it appears, whitespace-normalised, in one of the seeds its `source` cites.
"""

from __future__ import annotations

import re

import pytest

from helpers import SHARED
from nowrongdoor.errors import DataError
from nowrongdoor.guidance.pathway import ruleset

SEED_FILES = {
    "IAPT-PPG": "000_075878f77f24ecfc.txt",
    "AOH-DRUGS": "001_acf919f00bad1086.txt",
    "PHE-COOC": "002_91c9a24a841df057.txt",
    "UK-ALC": "003_b52bf1aa60144869.txt",
    "DS-BRIC": "004_04c1bed5c99845c4.txt",
}
RULES = ruleset.default()
CITING = [*RULES.rules, *RULES.asks.values()]


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


SEEDS = {
    key: normalised((SHARED / "seeds" / name).read_text(encoding="utf-8"))
    for key, name in SEED_FILES.items()
}


def test_the_seeds_are_the_sources_of_kind_seed() -> None:
    seeds = {key for key, source in RULES.sources.items() if source.kind == "seed"}
    assert seeds == set(SEED_FILES)


@pytest.mark.parametrize("rule", CITING, ids=[r.code for r in CITING])
def test_quote_is_in_a_seed_the_rule_cites(rule: ruleset.Rule | ruleset.Ask) -> None:
    seeds = [key for key in ruleset.cited(rule.source, RULES.sources) if key in SEED_FILES]
    if not seeds:
        assert not rule.quote, f"{rule.code} quotes but cites only external sources"
        return
    assert rule.quote, f"{rule.code} cites {seeds} but carries no quote"
    quote = normalised(rule.quote)
    assert len(quote.split()) >= 5, f"{rule.code}: quote too short to justify anything"
    assert any(quote in SEEDS[key] for key in seeds), f"{rule.code}: quote not in {seeds}"


def test_a_part_naming_no_known_source_is_refused() -> None:
    with pytest.raises(DataError, match="names no known source"):
        ruleset.cited("IAPT-PPG ¶11; Some Blog 2019", RULES.sources)
    assert ruleset.cited("thiamine: NICE CG100; UK-ALC 2.2.4", RULES.sources) == [
        "NICE CG100",
        "UK-ALC",
    ]
