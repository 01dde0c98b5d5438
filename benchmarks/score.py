"""Benchmark `nwd score`: throughput (in-process and --batch) and start-up time.

Targets (issue "Foundation and the instrument engine"): >= 100,000 PHQ-9 responses/s on one
core, in-process and via --batch; start-up of `nwd score` for one response <= 3x a bare
`python -c pass`. Every figure is printed with a baseline measured in the same run.

Run: uv run python benchmarks/score.py [--responses N]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nowrongdoor.guidance import instruments
from nowrongdoor.guidance.scoring import score_request

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
NWD = str(Path(PYTHON).parent / "nwd")


def responses(count: int) -> list[dict[str, list[int]]]:
    rng = random.Random(20261123)
    return [{"answers": [rng.randrange(4) for _ in range(9)]} for _ in range(count)]


def in_process(requests: list[dict[str, list[int]]]) -> tuple[float, float]:
    """Responses/s of the engine, and of a loop that only sums the answers (baseline)."""
    phq9 = instruments.load("phq9")
    start = time.perf_counter()
    for request in requests:
        score_request(phq9, request).to_json()
    engine = len(requests) / (time.perf_counter() - start)
    start = time.perf_counter()
    for request in requests:
        sum(request["answers"])
    baseline = len(requests) / (time.perf_counter() - start)
    return engine, baseline


def batch(requests: list[dict[str, list[int]]]) -> tuple[float, float]:
    """Responses/s through `nwd score phq9 --batch`, and of python json.loads+dumps per line."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.writelines(json.dumps(r) + "\n" for r in requests)
    path = handle.name
    start = time.perf_counter()
    subprocess.run([NWD, "score", "phq9", "--batch", path], stdout=subprocess.DEVNULL, check=True)
    command = len(requests) / (time.perf_counter() - start)
    copy = (
        "import json,sys\n"
        "for l in open(sys.argv[1]): sys.stdout.write(json.dumps(json.loads(l))+'\\n')"
    )
    start = time.perf_counter()
    subprocess.run([PYTHON, "-c", copy, path], stdout=subprocess.DEVNULL, check=True)
    baseline = len(requests) / (time.perf_counter() - start)
    Path(path).unlink()
    return command, baseline


def startup(runs: int = 40) -> tuple[float, float]:
    """Median seconds of `nwd score phq9 examples/phq9.json` and of `python -c pass`."""

    def median(command: list[str]) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True, cwd=ROOT)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    return median([NWD, "score", "phq9", "examples/phq9.json"]), median([PYTHON, "-c", "pass"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=200_000)
    count = parser.parse_args().responses
    requests = responses(count)
    engine, loop = in_process(requests)
    print(f"in-process: {engine:>10,.0f} PHQ-9 responses/s  (target 100,000)")
    print(f"  baseline (sum of answers only): {loop:,.0f}/s; engine costs {loop / engine:.1f}x")
    command, copy = batch(requests)
    print(f"--batch:    {command:>10,.0f} PHQ-9 responses/s  (target 100,000; incl. start-up)")
    print(
        f"  baseline (python json.loads+dumps per line): {copy:,.0f}/s; ratio {copy / command:.2f}x"
    )
    # As installed, modules run from bytecode; this machine sets PYTHONDONTWRITEBYTECODE,
    # so compile once first or every run would re-compile the package from source.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    nwd, bare = startup()
    print(f"start-up:   nwd score one response {nwd * 1000:.1f} ms;", end=" ")
    print(f"python -c pass {bare * 1000:.1f} ms")
    print(f"  ratio {nwd / bare:.2f}x  (target <= 3x)")


if __name__ == "__main__":
    main()
