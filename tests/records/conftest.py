"""The `area` fixture: services, staff and roles to test records against."""

from __future__ import annotations

import pytest
from record_area import Area, make_area


@pytest.fixture
def area(db: None) -> Area:
    return make_area()
