"""Writers for a publication: long-form CSV and Parquet ("*" for a suppressed cell). The note
is in the Parquet metadata; a CSV with disclosure control lifted starts with it as a `#` line,
so it cannot pass for a published table."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nowrongdoor.analytics.disclosure import Publication

SUPPRESSED = "*"
COLUMNS = ("indicator", "breakdown", "group", "numerator", "denominator", "value", "gap")


def _text(value: float | int | None) -> str:
    return SUPPRESSED if value is None else str(value)


def long_rows(publication: Publication) -> list[dict[str, str]]:
    """One row per indicator x breakdown x group; "*" marks a suppressed figure, or a rate
    that cannot be given (denominator under 8, or none)."""
    return [
        {
            "indicator": cell.indicator,
            "breakdown": cell.breakdown,
            "group": cell.group,
            "numerator": _text(cell.numerator),
            "denominator": _text(cell.denominator),
            "value": _text(cell.value),
            "gap": _text(cell.gap),
        }
        for cell in publication.cells
    ]


def write_csv(publication: Publication, out: Path) -> None:
    with out.open("w", newline="", encoding="utf-8") as file:
        if publication.lifted:
            file.writelines(f"# {line}\n" for line in publication.note.splitlines())
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(long_rows(publication))


def write_parquet(publication: Publication, out: Path) -> None:
    rows = long_rows(publication)
    schema = pa.schema(
        [(name, pa.string()) for name in COLUMNS], metadata={"note": publication.note}
    )
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), out)
