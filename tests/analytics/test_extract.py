"""The records database to an extract: the demo area through the ORM, and the derivations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from nowrongdoor.analytics.engine import count_all, open_extract
from nowrongdoor.analytics.extract import age_band, extract_records, substance_group
from nowrongdoor.analytics.indicators import REGISTRY, Period
from nowrongdoor.analytics.tables import SCHEMAS, table_path


@pytest.mark.parametrize(
    ("days", "group"),
    [
        ({"opioids_days": 3, "alcohol_days": 20, "crack_days": 5}, "opiate"),
        ({"crack_days": 5, "alcohol_days": 1}, "non-opiate-and-alcohol"),
        ({"cannabis_days": 28, "alcohol_days": None}, "non-opiate-only"),
        ({"alcohol_days": 28, "opioids_days": 0}, "alcohol-only"),
        ({"alcohol_days": 0}, None),
    ],
)
def test_substance_group_follows_the_ndtms_hierarchy(days: dict[str, int], group: str) -> None:
    assert substance_group(days) == group


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2008, 4, 1), "18-29"),  # 18 on the day
        (date(2008, 4, 2), "under-18"),
        (date(1976, 4, 1), "50+"),
        (date(1976, 4, 2), "30-49"),
        (None, "not-known"),
    ],
)
def test_age_band_at_the_extract_date(born: date | None, band: str) -> None:
    assert age_band(born, date(2026, 4, 1)) == band


@pytest.mark.django_db
def test_the_demo_area_extracts_and_reports(tmp_path: Path) -> None:
    from nowrongdoor.records.people.models import Person
    from nowrongdoor.services.seed import seed_area

    seed_area(12, seed=5)
    counts = extract_records(tmp_path, date.today())
    assert counts["people"] == Person.objects.count()
    for name, schema in SCHEMAS.items():
        assert pq.read_schema(table_path(tmp_path, name)).equals(schema, check_metadata=False)
    people = pq.read_table(table_path(tmp_path, "people")).column_names
    assert "nhs_number" not in people
    assert "date_of_birth" not in people
    year = Period(date(date.today().year - 1, 1, 1), date.today())
    indicators = {c.indicator for c in count_all(open_extract(tmp_path), year)}
    assert indicators == {indicator.id for indicator in REGISTRY}
