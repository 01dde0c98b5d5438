"""After a planned discharge the service keeps its care relationship while recovery
check-ups are due (UK-ALC 2.6.5), and loses it once they are done (unless consented)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from record_area import Area

from nowrongdoor.errors import AccessDenied
from nowrongdoor.records.care.models import EpisodeOfCare
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST, RecoveryCheckUp
from nowrongdoor.services import episodes
from nowrongdoor.services.people import read_person, register_person


def test_check_ups_due_keep_the_care_relationship(area: Area) -> None:
    person = register_person(
        area.keyworker,
        {"given_name": "Lee", "family_name": "Marsh"},
        referral_date=date.today() - timedelta(days=60),
    )
    episode = EpisodeOfCare.objects.get(person=person)
    episodes.start_treatment(area.keyworker, episode.pk, date.today() - timedelta(days=30))
    episodes.discharge(
        area.keyworker,
        episode.pk,
        date.today(),
        "planned",
        "treatment completed",
        dict.fromkeys(DISCHARGE_CHECKLIST, True),
    )
    due = list(RecoveryCheckUp.objects.filter(person=person, done__isnull=True))
    assert due  # a planned discharge from treatment schedules them
    assert read_person(area.keyworker, person.pk) == person
    for check_up in due:
        episodes.record_check_up_done(area.keyworker, check_up.pk, date.today())
    with pytest.raises(AccessDenied):
        read_person(area.keyworker, person.pk)
