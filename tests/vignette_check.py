"""One vignette checked against `nwd assess`: the shared ones and the clinical pack.

A vignette is `{"title" or "name", "source", "case", "expect"}` (see
../shared/vignettes/README.md). `expect` holds what a correct assessment must show;
for bad input, `error` and the `field` the one-line message must name.
"""

from __future__ import annotations

import json
from typing import Any

from helpers import run_nwd
from nowrongdoor.guidance.pathway import ruleset
from nowrongdoor.guidance.pathway.assess import assess, parse_case
from nowrongdoor.guidance.schemas import Assessment


def check_vignette(vignette: dict[str, Any]) -> None:
    """Assert that the assessment of the vignette's case shows everything it expects."""
    expect = vignette["expect"]
    if expect.get("error"):
        done = run_nwd("assess", "-", stdin=json.dumps(vignette["case"]))
        assert (done.returncode, done.stdout) == (2, "")
        assert expect["field"] in done.stderr
        assert done.stderr.count("\n") == 1
        return
    result = assess(parse_case(vignette["case"]), ruleset.default())
    Assessment.model_validate(result)
    found = {r["code"]: r for r in result["recommendations"]}
    # Not a test module, so pytest does not rewrite these asserts: say what was found.
    if "status" in expect:
        status = result["iapt_suitability"]
        assert status["status"] == expect["status"], f"iapt_suitability is {status}"
    for code in expect.get("include", []):
        assert code in found, f"{code} missing; recommended: {sorted(found)}"
    for code in expect.get("exclude", []):
        assert code not in found, f"{code} must not appear; why: {found.get(code, {}).get('why')}"
    for code in expect.get("urgent", []):
        assert code in found, f"{code} missing, expected urgent; recommended: {sorted(found)}"
        priority = found[code]["priority"]
        assert priority == "urgent", f"{code} is {priority}, expected urgent"
    coordination = result["care_coordination"]
    if "coordinator_from" in expect:
        assert coordination is not None, "care_coordination is null"
        coordinator = coordination["coordinator_from"]
        assert coordinator == expect["coordinator_from"], f"coordinator_from is {coordinator}"
    if "cpa" in expect:
        assert coordination is not None, "care_coordination is null"
        assert coordination["under_cpa"] is expect["cpa"], f"under_cpa is {coordination}"
    for name, score in expect.get("scores", {}).items():
        assert name in result["scores"], f"no {name} score; scores: {sorted(result['scores'])}"
        got = {k: result["scores"][name][k] for k in score}
        assert got == score, f"{name} scored {got}"
    for name, flags in expect.get("flags", {}).items():
        assert name in result["scores"], f"no {name} score; scores: {sorted(result['scores'])}"
        got_flags = result["scores"][name]["flags"]
        assert set(flags) <= set(got_flags), f"{name} flags are {got_flags}"
