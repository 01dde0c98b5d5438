"""Benchmark `nwd assess`: cases/second in-process and via --batch (target >= 5,000/s).

The baseline, measured in the same run, is pydantic validation of the same cases alone.
Run: uv run python benchmarks/assess.py [--cases N]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nowrongdoor.guidance.pathway import ruleset
from nowrongdoor.guidance.pathway.assess import assess, parse_case
from nowrongdoor.guidance.pathway.case import Case

NWD = str(Path(sys.executable).parent / "nwd")
SETTINGS = ["iapt", "drug-alcohol-service", "primary-care", "emergency-department", "prison"]
SUBSTANCES = ["cannabis", "cocaine", "crack", "heroin", "benzodiazepine", "gbl-ghb"]


def cases(count: int) -> list[dict[str, Any]]:
    rng = random.Random(20261123)
    made = []
    for _ in range(count):
        days = rng.randrange(29)
        made.append(
            {
                "setting": rng.choice(SETTINGS),
                "age": rng.randrange(14, 80),
                "contact": rng.choice(["first", "follow-up"]),
                "screens": {
                    "audit": [rng.randrange(5) for _ in range(8)]
                    + [rng.randrange(3) for _ in range(2)],
                    "phq9": [rng.randrange(4) for _ in range(9)],
                },
                "alcohol": {
                    "units_per_day": rng.randrange(30),
                    "dependence_suspected": rng.random() < 0.3,
                },
                "drugs": [
                    {
                        "substance": rng.choice(SUBSTANCES),
                        "days_used_past_28": days,
                        "typical_amount": "some",
                        "route": (route := rng.choice(["smoked", "injected", "oral"])),
                        "injecting_days_past_28": (
                            max(1, rng.randrange(days + 1))
                            if route == "injected" and days
                            else rng.randrange(days + 1)
                        ),
                        "prescribed": False,
                        "dependence_suspected": rng.random() < 0.4,
                    }
                ][: rng.randrange(2)],
                "mental_health": {
                    "conditions": rng.sample(
                        ["depression", "anxiety", "psychosis"], rng.randrange(3)
                    )
                },
                "treatment": {"in_drug_alcohol_service": rng.random() < 0.5},
                "circumstances": {
                    "children_in_household": rng.randrange(3),
                    "housing": rng.choice(["stable", "homeless"]),
                },
            }
        )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    made = cases(parser.parse_args().cases)
    rules = ruleset.default()
    start = time.perf_counter()
    for data in made:
        Case.model_validate(data)
    validate = len(made) / (time.perf_counter() - start)
    start = time.perf_counter()
    for data in made:
        assess(parse_case(data), rules)
    engine = len(made) / (time.perf_counter() - start)
    print(f"in-process: {engine:,.0f} cases/s (target 5,000)")
    print(f"  baseline (pydantic validation only): {validate:,.0f}/s;", end=" ")
    print(f"assess costs {validate / engine:.1f}x")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.writelines(json.dumps(c) + "\n" for c in made)
    start = time.perf_counter()
    subprocess.run([NWD, "assess", "--batch", handle.name], stdout=subprocess.DEVNULL, check=True)
    batch = len(made) / (time.perf_counter() - start)
    Path(handle.name).unlink()
    print(f"--batch:    {batch:,.0f} cases/s (target 5,000; incl. start-up and JSON)")


if __name__ == "__main__":
    main()
