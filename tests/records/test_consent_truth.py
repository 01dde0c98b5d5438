"""Consent that tells the truth (docs/decisions/0018): a service caring for the person always
sees what it recorded itself; the person's consent governs what it sees from other services.

The person was registered at Talking Therapies and referred, with consent, to the Recovery
Hub, which accepted (so both are caring for them). Each service recorded a screening, an
assessment and a case note. Then the person stops sharing with the Recovery Hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from record_area import Area, browser_for

from nowrongdoor.api.auth import issue_token
from nowrongdoor.errors import AccessDenied, InputError
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.clinical.models import Screening, SelfCompletionLink
from nowrongdoor.records.coordination.models import CaseNote
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import (
    access,
    clinical,
    consent,
    coordination,
    exchange,
    referrals,
    self_completion,
)
from nowrongdoor.services.people import read_person, read_record, register_person
from nowrongdoor.services.risk import NOT_SHARED, risk_flags

SELF_HARM = [1] * 8 + [2]  # PHQ-9 with item 9 above 0: the self-harm flag


@dataclass
class Story:
    person: Person
    own: User  # the person's own sign-in
    iapt_note: CaseNote
    hub_note: CaseNote
    iapt_screening: Screening
    hub_screening: Screening
    iapt_assessment: int
    hub_assessment: int


@pytest.fixture
def story(area: Area) -> Story:
    therapist, keyworker = area.therapist, area.keyworker
    person = register_person(therapist, {"given_name": "Rae", "family_name": "Lee"})
    person.user = User.objects.create(username="rae")
    person.save()
    consent.record_consent(therapist, person.pk, area.drugs.pk, "given")
    referral = referrals.refer(therapist, person.pk, area.drugs.pk, "alcohol dependence")
    referrals.accept(keyworker, referral.pk)
    return Story(
        person=person,
        own=person.user,
        iapt_note=coordination.add_case_note(therapist, person.pk, "Talking Therapies note"),
        hub_note=coordination.add_case_note(keyworker, person.pk, "Recovery Hub note"),
        iapt_screening=clinical.record_screening(therapist, person.pk, "phq9", SELF_HARM),
        hub_screening=clinical.record_screening(keyworker, person.pk, "audit", [1] * 10),
        iapt_assessment=clinical.record_assessment(therapist, person.pk, {"setting": "iapt"}).pk,
        hub_assessment=clinical.record_assessment(
            keyworker, person.pk, {"setting": "drug-alcohol-service"}
        ).pk,
    )


def stop_sharing_with_the_hub(area: Area, story: Story) -> None:
    browser_for(story.own).post(
        "/me/consent", {"service": str(area.drugs.pk), "state": "withdrawn"}
    )


def notes_seen(actor: Any, person: Person) -> set[str]:
    sight = read_record(actor, person.pk)
    return set(sight.rows(person.case_notes.all()).values_list("text", flat=True))


def api(actor: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(actor.user)}"})


# ------------------------------------------------------------------ the rule itself


def test_with_consent_the_treating_service_sees_every_services_records(
    area: Area, story: Story
) -> None:
    assert notes_seen(area.keyworker, story.person) == {
        "Talking Therapies note",
        "Recovery Hub note",
    }


def test_after_withdrawal_the_treating_service_sees_only_what_it_recorded(
    area: Area, story: Story
) -> None:
    stop_sharing_with_the_hub(area, story)
    sight = read_record(area.keyworker, story.person.pk)
    assert (sight.whole, sight.ground) == (False, "active episode of care")
    assert notes_seen(area.keyworker, story.person) == {"Recovery Hub note"}
    screenings = sight.rows(story.person.screenings.all())
    assert list(screenings) == [story.hub_screening]
    # The service that is sharing nothing with anyone still sees its own (no consent needed
    # for what it recorded), and the other's only with consent: Talking Therapies has none.
    assert notes_seen(area.therapist, story.person) == {"Talking Therapies note"}


def test_consent_given_again_opens_the_other_services_records_again(
    area: Area, story: Story
) -> None:
    stop_sharing_with_the_hub(area, story)
    browser_for(story.own).post("/me/consent", {"service": str(area.drugs.pk), "state": "given"})
    assert notes_seen(area.keyworker, story.person) == {
        "Talking Therapies note",
        "Recovery Hub note",
    }


def test_a_safeguarding_reason_opens_the_other_services_records(area: Area, story: Story) -> None:
    stop_sharing_with_the_hub(area, story)
    consent.record_consent(
        area.therapist,
        story.person.pk,
        area.drugs.pk,
        "withdrawn",
        safeguarding_reason="child at risk: MASH referral 7",
    )
    assert read_record(area.keyworker, story.person.pk).whole


def test_a_service_not_caring_for_the_person_loses_the_whole_record(
    area: Area, story: Story
) -> None:
    consent.record_consent(area.therapist, story.person.pk, area.gp.pk, "given")
    assert notes_seen(area.gp_doctor, story.person) == {
        "Talking Therapies note",
        "Recovery Hub note",
    }
    consent.withdraw_consent(area.therapist, story.person.pk, area.gp.pk)
    with pytest.raises(AccessDenied):
        read_person(area.gp_doctor, story.person.pk)


def test_a_single_record_of_another_service_is_refused_and_the_refusal_audited(
    area: Area, story: Story
) -> None:
    stop_sharing_with_the_hub(area, story)
    assert clinical.read_assessment(area.keyworker, story.hub_assessment).pk
    with pytest.raises(AccessDenied):
        clinical.read_assessment(area.keyworker, story.iapt_assessment)
    refused = AuditEvent.objects.filter(outcome="denied", actor="keyworker").last()
    assert refused is not None
    assert (refused.action, refused.person_id) == ("assessment.read", story.person.pk)
    with pytest.raises(AccessDenied):
        referrals.act_on_recommendation(
            area.keyworker, story.iapt_assessment, "ASK-ANYTHING", "offered"
        )


def test_who_coordinates_care_is_seen_by_every_service_caring_for_them(
    area: Area, story: Story
) -> None:
    coordination.name_coordinator(
        area.therapist, story.person.pk, area.therapist.user.pk, "case-manager"
    )
    stop_sharing_with_the_hub(area, story)
    _, named = coordination.read_coordinator(area.keyworker, story.person.pk)
    assert named is not None
    assert named.coordinator == area.therapist.user


def test_a_care_plan_last_changed_elsewhere_is_neither_shown_nor_revised(
    area: Area, story: Story
) -> None:
    soon = date.today() + timedelta(days=14)
    coordination.revise_care_plan(
        area.therapist, story.person.pk, 0, {"crisis_plan": "call the crisis line"}, soon, True
    )
    stop_sharing_with_the_hub(area, story)
    with pytest.raises(AccessDenied):
        coordination.read_care_plan(area.keyworker, story.person.pk)
    with pytest.raises(AccessDenied):
        coordination.revise_care_plan(
            area.keyworker, story.person.pk, 1, {"needs": "x"}, soon, True
        )
    page = browser_for(area.keyworker.user).get(f"/people/{story.person.pk}").content.decode()
    assert "Last changed by another service (not shared with yours)" in page
    assert "call the crisis line" not in page
    # With consent again, the hub revises from the version it now sees.
    consent.record_consent(area.therapist, story.person.pk, area.drugs.pk, "given")
    version = coordination.revise_care_plan(
        area.keyworker, story.person.pk, 1, {"needs": "housing"}, soon, True
    )
    assert version.service == area.drugs


def test_consent_decisions_seen_are_about_the_service_or_recorded_by_it(
    area: Area, story: Story
) -> None:
    consent.record_consent(area.therapist, story.person.pk, area.gp.pk, "refused")
    stop_sharing_with_the_hub(area, story)
    sight = read_record(area.keyworker, story.person.pk)
    recipients = set(sight.rows(story.person.consents.all()).values_list("recipient", flat=True))
    assert recipients == {area.drugs.pk}  # not the decision about the GP surgery


def test_goals_the_person_wrote_are_seen_by_services_caring_for_them_and_no_others(
    area: Area, story: Story
) -> None:
    coordination.add_recovery_goal(area.therapist, story.person.pk, "written with my therapist")
    browser_for(story.own).post("/me/goals", {"in_their_words": "my own words"})
    stop_sharing_with_the_hub(area, story)
    sight = read_record(area.keyworker, story.person.pk)
    goals = sight.rows(story.person.recovery_goals.all()).values_list("in_their_words", flat=True)
    assert list(goals) == ["my own words"]


def test_rows_and_sees_agree_for_every_kind_of_record(area: Area, story: Story) -> None:
    """`Sight.rows` (lists) and `Sight.sees` (one record) are the same rule."""
    coordination.revise_care_plan(
        area.therapist, story.person.pk, 0, {"needs": "x"}, date.today(), True
    )
    coordination.add_recovery_goal(area.keyworker, story.person.pk, "hub goal")
    coordination.record_child(area.therapist, story.person.pk, 2019, True, "", "none")
    stop_sharing_with_the_hub(area, story)
    sight = read_record(area.keyworker, story.person.pk)
    for model in (*access.RECORDED_BY, *access.SHARED_WITH_CARE):
        every = list(model.objects.all())
        assert [r.pk for r in every if sight.sees(r)] == sorted(
            sight.rows(model.objects.all()).values_list("pk", flat=True)
        ), model.__name__


# ------------------------------------------------------------------ each way of reading


def test_the_record_page_shows_only_the_services_own_records_and_says_so(
    area: Area, story: Story
) -> None:
    stop_sharing_with_the_hub(area, story)
    page = browser_for(area.keyworker.user).get(f"/people/{story.person.pk}").content.decode()
    assert "Recovery Hub note" in page
    assert "Talking Therapies note" not in page
    assert "PHQ9" not in page  # the Talking Therapies screening
    assert "Rae has not agreed to share other services' records with Recovery Hub." in page
    assert "You see only what Recovery Hub recorded itself" in page
    # The self-harm flag from Talking Therapies' screening: that there is one, not what.
    assert "Thoughts of self-harm" not in page
    assert "Risk: " + NOT_SHARED.title in page


def test_with_consent_the_record_page_says_every_service_is_seen(area: Area, story: Story) -> None:
    page = browser_for(area.keyworker.user).get(f"/people/{story.person.pk}").content.decode()
    assert "Recovery Hub sees what every service recorded for Rae" in page
    assert "Talking Therapies note" in page
    assert "Risk: Thoughts of self-harm" in page


def test_risk_flags_from_unshared_records_are_a_flag_without_detail(
    area: Area, story: Story
) -> None:
    stop_sharing_with_the_hub(area, story)
    sight = read_record(area.keyworker, story.person.pk)
    titles = [f.title for f in risk_flags(story.person, sight)]
    assert "Thoughts of self-harm" not in titles
    assert NOT_SHARED.title in titles
    assert NOT_SHARED.title not in [f.title for f in risk_flags(story.person)]


def test_the_api_lists_only_the_services_own_records(area: Area, story: Story) -> None:
    stop_sharing_with_the_hub(area, story)
    client, pid = api(area.keyworker), story.person.pk
    notes = client.get(f"/api/people/{pid}/case-notes").json()
    assert [n["text"] for n in notes] == ["Recovery Hub note"]
    assessments = client.get(f"/api/people/{pid}/assessments").json()
    assert [a["id"] for a in assessments] == [story.hub_assessment]
    episodes = client.get(f"/api/people/{pid}/episodes").json()
    assert {e["service_id"] for e in episodes} == {area.drugs.pk}


def test_fhir_search_and_read_give_only_the_services_own_records(area: Area, story: Story) -> None:
    stop_sharing_with_the_hub(area, story)
    client, pid = api(area.keyworker), story.person.pk
    found = client.get(f"/fhir/QuestionnaireResponse?patient={pid}").json()
    assert [e["resource"]["id"] for e in found["entry"]] == [str(story.hub_screening.pk)]
    notes = client.get(f"/fhir/Communication?patient={pid}").json()
    assert [e["resource"]["payload"][0]["contentString"] for e in notes["entry"]] == [
        "Recovery Hub note"
    ]
    own = client.get(f"/fhir/QuestionnaireResponse/{story.hub_screening.pk}")
    assert own.status_code == 200
    other = client.get(f"/fhir/QuestionnaireResponse/{story.iapt_screening.pk}")
    assert other.status_code == 404
    refused = AuditEvent.objects.filter(action="fhir.read", outcome="denied").get()
    assert refused.person_id == pid


def test_the_export_holds_only_the_services_own_records(area: Area, story: Story) -> None:
    stop_sharing_with_the_hub(area, story)
    bundle = exchange.export_person(area.keyworker, story.person.pk)
    texts = [
        e["resource"]["payload"][0]["contentString"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Communication"
    ]
    assert texts == ["Recovery Hub note"]
    instruments = [
        e["resource"]["questionnaire"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    ]
    assert len(instruments) == 1
    assert "audit" in instruments[0].lower()


# ------------------------------------------------------------------ what stopping cancels


def test_stopping_sharing_cancels_that_services_open_questionnaires(
    area: Area, story: Story
) -> None:
    hub_link, hub_token = self_completion.create_link(area.keyworker, story.person.pk, "gad7")
    iapt_link, _ = self_completion.create_link(area.therapist, story.person.pk, "phq9")
    own = browser_for(story.own)
    response = own.post(
        "/me/consent", {"service": str(area.drugs.pk), "state": "withdrawn"}, follow=True
    )
    page = response.content.decode()
    assert "1 questionnaire from Recovery Hub was cancelled" in page
    with pytest.raises(InputError, match=r"^link: "):
        self_completion.link_for_token(hub_token)
    waiting = [link.pk for link in self_completion.open_links(access_actor(story.own))]
    assert waiting == [iapt_link.pk]
    cancelled = AuditEvent.objects.get(action="self_link.cancel")
    assert (cancelled.object_id, cancelled.reason) == (
        str(hub_link.pk),
        "consent withdrawn for Recovery Hub",
    )
    assert SelfCompletionLink.objects.get(pk=iapt_link.pk).screening is None
    assert browser_for(story.own).get(f"/answer/{hub_token}").status_code == 410


def access_actor(user: User) -> Any:
    from nowrongdoor.services.actor import Actor

    return Actor.of(user)


def test_consent_for_another_purpose_cancels_nothing(area: Area, story: Story) -> None:
    self_completion.create_link(area.keyworker, story.person.pk, "gad7")
    consent.record_consent(
        area.therapist, story.person.pk, area.drugs.pk, "withdrawn", purpose="research"
    )
    assert not AuditEvent.objects.filter(action="self_link.cancel").exists()


# ------------------------------------------------------------------ what the person is told


def test_the_persons_page_says_what_each_service_sees(area: Area, story: Story) -> None:
    own = browser_for(story.own)
    response = own.post(
        "/me/consent", {"service": str(area.drugs.pk), "state": "withdrawn"}, follow=True
    )
    page = response.content.decode()
    assert (
        "Recovery Hub is caring for you, so it still sees what it recorded itself. "
        "It can no longer see what other services recorded"
    ) in page
    assert "can no longer see your record" not in page  # the old untrue message
    for sentence in (
        "A service caring for you always sees what it recorded itself. It sees what other "
        "services recorded only if you share your record with it.",
        "A service that is not caring for you sees nothing, unless you share your record "
        "with it. Then it sees your whole record.",
        "If another service has recorded a concern about your safety, it is told there is "
        "one, but not what it is.",
        "Stopping sharing takes effect straight away, and cancels any questionnaires from "
        "that service waiting for you.",
    ):
        assert sentence in page.replace("&#39;", "'")
    assert cells(page, "Recovery Hub") == ["Yes", "Only what they recorded themselves"]
    assert cells(page, "Talking Therapies") == ["Yes", "Only what they recorded themselves"]
    assert cells(page, "Elm Street Surgery") == ["No", "Nothing"]


def cells(page: str, service: str) -> list[str]:
    """The 'Caring for you' and 'What they see' cells of a service's row on the person's page."""
    row = page.split(f'<td class="nhsuk-table__cell">{service}</td>', 1)[1].split("</tr>", 1)[0]
    found = [c.split("</td>", 1)[0].strip() for c in row.split('<td class="nhsuk-table__cell">')]
    return found[1:3]


def test_sharing_with_a_service_not_caring_for_them_is_their_whole_record(
    area: Area, story: Story
) -> None:
    own = browser_for(story.own)
    page = own.post(
        "/me/consent", {"service": str(area.gp.pk), "state": "given"}, follow=True
    ).content.decode()
    assert "Elm Street Surgery can now see your record" in page
    assert cells(page, "Elm Street Surgery") == ["No", "Your whole record"]
    page = own.post(
        "/me/consent", {"service": str(area.gp.pk), "state": "withdrawn"}, follow=True
    ).content.decode()
    assert "Elm Street Surgery can no longer see your record" in page
    with pytest.raises(AccessDenied):
        read_person(area.gp_doctor, story.person.pk)
