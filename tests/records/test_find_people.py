"""A practitioner's day: finding a person, adding one without making a second record, the
person banner on every page about them, staff by name and role, the error pages."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse
from record_area import Area, browser_for, staff

from nowrongdoor.api.auth import issue_token
from nowrongdoor.errors import DuplicatePerson, InputError
from nowrongdoor.records.audit.models import AuditEvent
from nowrongdoor.records.care.models import ConsentState
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST
from nowrongdoor.records.directory.models import Role
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.people.names import fold_name
from nowrongdoor.services import (
    access,
    clinical,
    consent,
    coordination,
    episodes,
    outcomes,
    referrals,
)
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import register_person, search_people
from nowrongdoor.web import errors

NHS = "9434765919"  # valid (modulus 11)
OTHER_NHS = "4010232137"  # valid too
BAD_NHS = "9434765918"  # wrong check digit
ZOE_BORN = date(1981, 6, 14)


def add(actor: Actor, given: str, family: str, **details: Any) -> Person:
    return register_person(
        actor, {"given_name": given, "family_name": family, **details}, confirmed_different=True
    )


def names(actor: Actor, **criteria: Any) -> list[str]:
    return [str(f.person) for f in search_people(actor, **criteria).found]


@pytest.fixture
def zoe(area: Area) -> Person:
    """Cared for by Talking Therapies; screened (with a self-harm flag)."""
    person = add(area.therapist, "Zoë", "O'Brien", date_of_birth=ZOE_BORN, nhs_number=NHS)
    clinical.record_screening(area.therapist, person.pk, "phq9", [0] * 8 + [1])
    return person


# ---- the folded name


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Zoë O'Brien", "zoe obrien"),
        ("  ZOË   o\u2019brien ", "zoe obrien"),  # a typographic apostrophe
        ("Jean-Luc Picard", "jean luc picard"),
        ("Łukasz Søren Straße", "lukasz soren strasse"),
        ("Siobhán Ní Bhriain", "siobhan ni bhriain"),
    ],
)
def test_names_fold_without_accents_case_or_punctuation(typed: str, folded: str) -> None:
    assert fold_name(typed) == folded


def test_the_folded_name_is_kept_when_a_name_changes(area: Area, zoe: Person) -> None:
    assert zoe.search_name == "zoe obrien"
    zoe.family_name = "Ó Súilleabháin"
    zoe.save(update_fields=["family_name"])
    zoe.refresh_from_db()
    assert zoe.search_name == "zoe o suilleabhain"


# ---- search


def test_search_by_name_ignores_accents_and_case(area: Area, zoe: Person) -> None:
    for typed in ("zoe", "ZOË O'BRIEN", "obrien", "o'bri", "Zoe OBr", "zoë"):
        assert names(area.therapist, q=typed) == ["Zoë O'Brien"], typed


def test_search_by_name_matches_the_start_of_words_only(area: Area, zoe: Person) -> None:
    assert names(area.therapist, q="brien") == []
    assert names(area.therapist, q="zoe smith") == []  # every word must match


def test_search_finds_an_accented_name_typed_with_accents_too(area: Area) -> None:
    add(area.therapist, "Zoe", "Obrien")
    add(area.therapist, "Chloé", "Müller")
    assert names(area.therapist, q="zoë") == ["Zoe Obrien"]
    assert names(area.therapist, q="muller chloe") == ["Chloé Müller"]


def test_search_by_nhs_number_with_or_without_spaces(area: Area, zoe: Person) -> None:
    add(area.therapist, "Zoë", "O'Brien", nhs_number=OTHER_NHS)
    assert [f.person.pk for f in search_people(area.therapist, nhs_number=NHS).found] == [zoe.pk]
    spaced = search_people(area.therapist, nhs_number="943 476 5919").found
    assert [f.person.pk for f in spaced] == [zoe.pk]


@pytest.mark.parametrize("typed", [BAD_NHS, "943 476 591", "94347659190", "943476591X"])
def test_a_wrong_nhs_number_is_an_error_naming_the_field(
    area: Area, zoe: Person, typed: str
) -> None:
    with pytest.raises(InputError, match=r"^nhs_number: not a valid NHS number") as raised:
        search_people(area.therapist, nhs_number=typed)
    assert raised.value.field == "nhs_number"


def test_search_by_date_of_birth_and_by_all_three(area: Area, zoe: Person) -> None:
    add(area.therapist, "Zoë", "O'Brien", date_of_birth=ZOE_BORN + timedelta(days=1))
    assert names(area.therapist, birth_date=ZOE_BORN) == ["Zoë O'Brien"]
    assert names(area.therapist, birth_date=ZOE_BORN.isoformat()) == ["Zoë O'Brien"]
    found = search_people(area.therapist, q="zoe", nhs_number=NHS, birth_date=ZOE_BORN).found
    assert [f.person.pk for f in found] == [zoe.pk]


@pytest.mark.parametrize(
    ("criteria", "field"),
    [
        ({}, "q"),
        ({"q": "  "}, "q"),
        ({"q": "'-"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"birth_date": "14/06/1981"}, "birth_date"),
        ({"birth_date": "1981-02-30"}, "birth_date"),
    ],
)
def test_a_search_needs_something_to_search_by(
    area: Area, criteria: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as raised:
        search_people(area.therapist, **criteria)
    assert raised.value.field == field


def test_search_finds_only_people_the_service_may_see(area: Area, zoe: Person) -> None:
    assert names(area.gp_doctor, q="zoe") == []  # no care relationship, no consent
    assert names(area.keyworker, q="zoe") == []
    consent.record_consent(area.therapist, zoe.pk, area.drugs.pk, ConsentState.GIVEN)
    assert names(area.keyworker, q="zoe") == ["Zoë O'Brien"]  # with consent
    consent.record_consent(area.therapist, zoe.pk, area.drugs.pk, ConsentState.WITHDRAWN)
    assert names(area.keyworker, q="zoe") == []  # withdrawal is at once


@pytest.mark.parametrize("who", ["commissioner", "admin"])
def test_commissioners_and_admins_find_no_one(area: Area, zoe: Person, who: str) -> None:
    actor = getattr(area, who)
    assert search_people(actor, nhs_number=NHS).found == []
    assert AuditEvent.objects.filter(actor=actor.user.username, action="person.search").exists()


def test_who_a_search_may_find_is_who_may_open_the_record(area: Area) -> None:
    """`access.visible_people` (one query) against `access.why_allowed` (person by person),
    over every ground: an episode, one discharged, a check-up due, consent, withdrawal, an
    override, and consent for another purpose."""
    therapist, keyworker = area.therapist, area.keyworker
    add(therapist, "A", "InCare")
    shared = add(therapist, "B", "Shared")
    consent.record_consent(therapist, shared.pk, area.drugs.pk, ConsentState.GIVEN)
    withdrawn = add(therapist, "C", "Withdrawn")
    consent.record_consent(therapist, withdrawn.pk, area.drugs.pk, ConsentState.GIVEN)
    consent.record_consent(therapist, withdrawn.pk, area.drugs.pk, ConsentState.WITHDRAWN)
    override = add(therapist, "D", "Override")
    consent.record_consent(
        therapist, override.pk, area.drugs.pk, ConsentState.WITHDRAWN, "care", "child at risk"
    )
    research = add(therapist, "E", "Research")
    consent.record_consent(therapist, research.pk, area.drugs.pk, ConsentState.GIVEN, "research")
    at_drugs = add(keyworker, "F", "AtDrugs")
    discharged = add(keyworker, "G", "Discharged")
    check_up = add(keyworker, "H", "CheckUp")
    for person, with_check_up in ((discharged, False), (check_up, True)):
        if with_check_up:
            episodes.schedule_check_up(keyworker, person.pk, date.today() + timedelta(days=30))
        episode = person.episodes.get()
        all_done = dict.fromkeys(DISCHARGE_CHECKLIST, True)
        episodes.discharge(keyworker, episode.pk, date.today(), "planned", "done", all_done)
    everyone = list(Person.objects.all())
    for actor in (therapist, keyworker, area.gp_doctor, area.commissioner, area.admin):
        expected = {p.pk for p in everyone if access.why_allowed(actor, p) is not None}
        assert set(access.visible_people(actor).values_list("pk", flat=True)) == expected
    seen_by_drugs = set(access.visible_people(keyworker).values_list("pk", flat=True))
    assert seen_by_drugs == {shared.pk, override.pk, at_drugs.pk, check_up.pk}


def test_a_search_is_audited_with_what_was_searched_not_clinical_details(
    area: Area, zoe: Person
) -> None:
    search_people(area.therapist, q="Zoë O'Br", nhs_number="943 476 5919", birth_date=ZOE_BORN)
    event = AuditEvent.objects.filter(action="person.search").get()
    assert event.actor == "therapist"
    assert event.outcome == "allowed"
    assert event.reason == (
        f"searched name=zoe obr; nhs_number={NHS}; birth_date=1981-06-14; listed 1: {zoe.pk}"
    )
    assert "phq9" not in event.reason.lower()
    search_people(area.gp_doctor, q="zoe")
    assert AuditEvent.objects.filter(actor="gp", action="person.search").get().reason == (
        "searched name=zoe; listed 0: none"
    )


def test_results_show_only_the_services_the_searcher_may_see(area: Area, zoe: Person) -> None:
    """Talking Therapies cares for Zoë and referred her on; the Recovery Hub accepted. With
    her consent the Hub sees both services; Talking Therapies, without it, only its own."""
    consent.record_consent(area.therapist, zoe.pk, area.drugs.pk, ConsentState.GIVEN)
    referral = referrals.refer(area.therapist, zoe.pk, area.drugs.pk, "alcohol treatment")
    referrals.accept(area.keyworker, referral.pk)
    by_hub = search_people(area.keyworker, q="zoe").found[0]
    assert {(s.service.name, s.open) for s in by_hub.services} == {
        ("Talking Therapies", True),
        ("Recovery Hub", True),
    }
    by_therapist = search_people(area.therapist, q="zoe").found[0]
    assert [s.service.name for s in by_therapist.services] == ["Talking Therapies"]


def test_a_search_lists_at_most_fifty_and_says_there_are_more(area: Area) -> None:
    for n in range(51):
        add(area.therapist, f"Sam{n:02d}", "Jones")
    result = search_people(area.therapist, q="jones")
    assert len(result.found) == 50
    assert result.more


# ---- adding a person: one record each


def test_a_second_record_for_an_nhs_number_is_refused_naming_the_one_seen(
    area: Area, zoe: Person
) -> None:
    with pytest.raises(DuplicatePerson) as raised:
        register_person(area.therapist, {"given_name": "Z", "family_name": "B", "nhs_number": NHS})
    assert raised.value.field == "nhs_number"
    assert raised.value.matches == (zoe.pk,)
    assert Person.objects.count() == 1
    refusal = AuditEvent.objects.get(action="person.register", outcome="refused")
    assert refusal.person_id == zoe.pk


def test_a_hidden_record_with_the_nhs_number_is_refused_without_its_details(
    area: Area, zoe: Person
) -> None:
    details = {"given_name": "Z", "family_name": "B", "nhs_number": "943 476 5919"}
    with pytest.raises(DuplicatePerson) as raised:
        register_person(area.gp_doctor, details, confirmed_different=True)
    assert raised.value.field == "nhs_number"
    assert raised.value.matches == ()
    assert "Zo" not in str(raised.value)
    assert str(raised.value) == (
        "nhs_number: 943 476 5919 is already recorded for someone else; a person has one record"
    )
    assert Person.objects.count() == 1
    assert AuditEvent.objects.get(actor="gp", outcome="refused").person_id == zoe.pk


def test_same_name_and_date_of_birth_asks_for_confirmation(area: Area, zoe: Person) -> None:
    details = {"given_name": "Zoe", "family_name": "OBRIEN", "date_of_birth": ZOE_BORN}
    with pytest.raises(DuplicatePerson) as raised:
        register_person(area.therapist, details)
    assert raised.value.field == "confirmed_different"
    assert raised.value.matches == (zoe.pk,)
    assert Person.objects.count() == 1
    other = register_person(area.therapist, details, confirmed_different=True)
    assert Person.objects.count() == 2
    assert other.nhs_number is None


@pytest.mark.parametrize(
    ("given", "family", "born", "likely"),
    [
        ("Zo", "O'Brien", ZOE_BORN, True),  # the start of the given name
        ("Zoe Anne", "O'Brien", ZOE_BORN, True),
        ("O'Brien", "Zoë", ZOE_BORN, True),  # the names the wrong way round
        ("Zoë", "O'Brien", ZOE_BORN + timedelta(days=1), False),
        ("Amy", "O'Brien", ZOE_BORN, False),
        ("Zoë", "Brien", ZOE_BORN, False),
    ],
)
def test_which_names_and_dates_are_possible_duplicates(
    area: Area, zoe: Person, given: str, family: str, born: date, likely: bool
) -> None:
    details = {"given_name": given, "family_name": family, "date_of_birth": born}
    if likely:
        with pytest.raises(DuplicatePerson):
            register_person(area.therapist, details)
    else:
        assert register_person(area.therapist, details).pk != zoe.pk


def test_a_hidden_person_of_the_same_name_and_birth_is_neither_shown_nor_in_the_way(
    area: Area, zoe: Person
) -> None:
    details = {"given_name": "Zoë", "family_name": "O'Brien", "date_of_birth": ZOE_BORN}
    assert register_person(area.gp_doctor, details).pk != zoe.pk


# ---- the API


def api(actor: Actor) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(actor.user)}"})


def test_api_search_lists_people_with_the_services_involved(area: Area, zoe: Person) -> None:
    response = api(area.therapist).get("/api/people", {"q": "zoe obr", "birth_date": "1981-06-14"})
    assert response.status_code == 200
    assert response.json() == {
        "people": [
            {
                "id": zoe.pk,
                "given_name": "Zoë",
                "family_name": "O'Brien",
                "nhs_number": NHS,
                "date_of_birth": "1981-06-14",
                "services": [{"id": area.iapt.pk, "name": "Talking Therapies", "open": True}],
            }
        ],
        "more": False,
    }
    assert api(area.gp_doctor).get("/api/people", {"nhs_number": NHS}).json()["people"] == []
    assert api(area.commissioner).get("/api/people", {"q": "zoe"}).json()["people"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"nhs_number": BAD_NHS}, "nhs_number"),
        ({}, "q"),
        ({"birth_date": "1981-13-01"}, "birth_date"),
    ],
)
def test_api_search_bad_input_is_422_naming_the_field(
    area: Area, query: dict[str, str], field: str
) -> None:
    response = api(area.therapist).get("/api/people", query)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(f"{field}: ")


def test_api_refuses_a_second_record_for_an_nhs_number_with_409(area: Area, zoe: Person) -> None:
    body = {"given_name": "Zed", "family_name": "Bee", "nhs_number": "943 476 5919"}
    for actor, named in ((area.therapist, True), (area.gp_doctor, False)):
        response = api(actor).post("/api/people", json.dumps(body), "application/json")
        assert response.status_code == 409
        assert response.json()["field"] == "nhs_number"
        assert (f"person {zoe.pk}" in response.json()["detail"]) is named


def test_api_asks_to_confirm_a_same_name_and_birth_as_409(area: Area, zoe: Person) -> None:
    body: dict[str, Any] = {"given_name": "Zoe", "family_name": "O'Brien"}
    body["date_of_birth"] = "1981-06-14"
    client = api(area.therapist)
    refused = client.post("/api/people", json.dumps(body), "application/json")
    assert refused.status_code == 409
    assert refused.json()["field"] == "confirmed_different"
    body["confirmed_different"] = True
    assert client.post("/api/people", json.dumps(body), "application/json").status_code == 201


# ---- pages: search and add


def page(client: Client, url: str, data: dict[str, str] | None = None) -> tuple[int, str]:
    response = client.get(url, data or {})
    return response.status_code, response.content.decode()


def test_the_search_page_is_in_the_header_for_staff(area: Area, zoe: Person) -> None:
    _, html = page(browser_for(area.therapist.user), "/")
    header = html[html.index("<header") : html.index("</header>")]
    assert 'href="/people/search"' in header
    assert 'href="/people/new"' in header
    assert "Area figures" not in header  # a practitioner; managers and commissioners see it


@pytest.mark.parametrize(
    ("role", "wanted", "unwanted"),
    [
        (Role.SERVICE_MANAGER, ["Caseload", "Find a person", "Area figures"], []),
        (Role.COMMISSIONER, ["Area figures"], ["Find a person", "Caseload"]),
        (Role.ADMIN, [], ["Find a person", "Area figures"]),
    ],
)
def test_header_navigation_follows_the_role(
    area: Area, role: str, wanted: list[str], unwanted: list[str]
) -> None:
    service = None if role in (Role.COMMISSIONER, Role.ADMIN) else area.iapt
    user = staff(f"nav-{role}", service, role).user
    _, html = page(browser_for(user), "/people/search")
    header = html[html.index("<header") : html.index("</header>")]
    for text in wanted:
        assert f">{text}<" in header, text
    for text in unwanted:
        assert f">{text}<" not in header, text


def test_search_page_shows_who_was_found(area: Area, zoe: Person) -> None:
    status, html = page(browser_for(area.therapist.user), "/people/search", {"q": "zoe"})
    assert status == 200
    assert f'href="/people/{zoe.pk}"' in html
    assert "Zoë O&#39;Brien" in html
    assert "14 June 1981" in html
    assert "943 476 5919" in html
    assert "Talking Therapies" in html


def test_search_page_wrong_nhs_number_error_beside_the_field_keeping_it(
    area: Area, zoe: Person
) -> None:
    status, html = page(
        browser_for(area.therapist.user), "/people/search", {"nhs_number": "943 476 5918"}
    )
    assert status == 422
    assert "nhsuk-error-summary" in html
    assert 'href="#nhs_number"' in html  # the summary links to the field
    assert 'id="nhs_number-error"' in html  # the error beside it
    assert 'value="943 476 5918"' in html  # what was typed is kept


def test_search_page_without_a_search_shows_just_the_form(area: Area) -> None:
    status, html = page(browser_for(area.therapist.user), "/people/search")
    assert status == 200
    assert "nhsuk-error-summary" not in html
    assert not AuditEvent.objects.filter(action="person.search").exists()


def post_form(client: Client, url: str, data: dict[str, str]) -> HttpResponse:
    return client.post(url, data)


def test_adding_a_person_opens_their_record(area: Area) -> None:
    client = browser_for(area.therapist.user)
    response = post_form(
        client,
        "/people/new",
        {"given_name": "Ada", "family_name": "Quill", "date_of_birth": "1990-01-02"},
    )
    ada = Person.objects.get(family_name="Quill")
    assert response.status_code == 302
    assert response["Location"] == f"/people/{ada.pk}"
    assert ada.episodes.get().service == area.iapt


def test_adding_a_person_needs_their_names_with_errors_beside_the_fields(area: Area) -> None:
    response = post_form(browser_for(area.therapist.user), "/people/new", {"nhs_number": BAD_NHS})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Enter their given name" in html
    assert 'href="#given_name"' in html
    assert Person.objects.count() == 0


def test_adding_an_nhs_number_already_recorded_links_to_their_record(
    area: Area, zoe: Person
) -> None:
    response = post_form(
        browser_for(area.therapist.user),
        "/people/new",
        {"given_name": "Zed", "family_name": "Bee", "nhs_number": NHS},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "This NHS number is already recorded for Zoë O&#39;Brien" in html
    assert f'href="/people/{zoe.pk}"' in html
    assert Person.objects.count() == 1


def test_adding_an_nhs_number_of_a_hidden_record_says_nothing_of_them(
    area: Area, zoe: Person
) -> None:
    response = post_form(
        browser_for(area.gp_doctor.user),
        "/people/new",
        {"given_name": "Zed", "family_name": "Bee", "nhs_number": NHS},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "already recorded for someone whose record your service cannot see" in html
    assert f"/people/{zoe.pk}" not in html
    assert "Zoë" not in html
    assert "1981" not in html
    assert 'value="Zed"' in html


def test_adding_same_name_and_birth_shows_matches_then_takes_confirmation(
    area: Area, zoe: Person
) -> None:
    client = browser_for(area.therapist.user)
    typed = {"given_name": "Zoe", "family_name": "O'Brien", "date_of_birth": "1981-06-14"}
    response = post_form(client, "/people/new", typed)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Already recorded: is it them?" in html
    assert f'href="/people/{zoe.pk}"' in html
    assert 'name="confirmed_different"' in html
    assert 'href="#confirmed_different"' in html
    assert Person.objects.count() == 1
    confirmed = post_form(client, "/people/new", {**typed, "confirmed_different": "yes"})
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


# ---- the person banner


@pytest.fixture
def record(area: Area, zoe: Person) -> dict[str, int]:
    """Zoë with one of each record a page is about."""
    therapist = area.therapist
    coordination.name_coordinator(therapist, zoe.pk, therapist.user.pk, "case-manager")
    soon = date.today() + timedelta(days=7)
    coordination.revise_care_plan(therapist, zoe.pk, 0, {"needs": "housing"}, soon, True)
    coordination.add_case_note(therapist, zoe.pk, "Seen today")
    consent.record_consent(therapist, zoe.pk, area.drugs.pk, ConsentState.GIVEN)
    return {
        "person_id": zoe.pk,
        "episode_id": zoe.episodes.get().pk,
        "assessment_id": clinical.record_assessment(therapist, zoe.pk, {"setting": "iapt"}).pk,
        "referral_id": referrals.refer(therapist, zoe.pk, area.drugs.pk, "assessment").pk,
        "course_id": outcomes.start_course(therapist, zoe.pk).pk,
    }


def _person_pages(record: dict[str, int]) -> list[tuple[str, str]]:
    """(name, url) of every page whose address names a person or one of their records."""
    found = []
    for entry in get_resolver("nowrongdoor.web.urls").url_patterns:
        params = list(entry.pattern.converters)  # type: ignore[union-attr]
        if params and all(p in record for p in params):
            url = reverse(f"web:{entry.name}", kwargs={p: record[p] for p in params})
            found.append((entry.name, url))
    return found


BANNERLESS = {"review-goal", "course-end", "add-note", "screen-link", "discharge"}  # POST only


def test_every_page_about_a_person_has_the_banner(area: Area, record: dict[str, int]) -> None:
    therapist = browser_for(area.therapist.user)
    keyworker = browser_for(area.keyworker.user)  # the referral is theirs to decide
    checked = []
    for name, url in _person_pages(record):
        client = keyworker if name == "referral" else therapist
        response = client.get(url)
        if response.status_code == 405 or name in BANNERLESS:
            continue
        html = response.content.decode()
        assert response.status_code == 200, url
        banner = html[html.index('id="person-banner"') :]
        banner = banner[: banner.index("</section>")]
        for shown in ("O&#39;BRIEN, Zoë", "14 June 1981", "943 476 5919"):
            assert shown in banner, (url, shown)
        assert "Risk: Thoughts of self-harm" in banner, url
        checked.append(name)
    assert {"person", "screen-choose", "assess", "coordinator", "care-plan", "referral"} <= set(
        checked
    )
    assert len(checked) >= 12


def test_the_banner_is_not_on_pages_about_no_one(area: Area, zoe: Person) -> None:
    client = browser_for(area.therapist.user)
    for url in ("/", "/people/search"):
        assert 'id="person-banner"' not in client.get(url).content.decode()


def test_the_banner_shows_a_missing_nhs_number_and_age(area: Area) -> None:
    someone = add(area.therapist, "Ali", "Khan", date_of_birth=date(2000, 1, 1))
    html = browser_for(area.therapist.user).get(f"/people/{someone.pk}").content.decode()
    banner = html[html.index('id="person-banner"') :]
    today = date.today()
    age = today.year - 2000
    assert f"1 January 2000 ({age} years)" in banner
    assert "Not recorded" in banner[: banner.index("</section>")]


# ---- staff by name and role, never username


@pytest.fixture
def named(area: Area) -> Actor:
    actor = staff("zq-login-7", area.iapt, Role.CARE_COORDINATOR)
    User.objects.filter(pk=actor.user.pk).update(first_name="Ruth", last_name="Barker")
    actor.user.refresh_from_db()
    return actor


def test_no_page_shows_a_username(area: Area, zoe: Person, named: Actor) -> None:
    coordination.name_coordinator(named, zoe.pk, named.user.pk, "case-manager")
    soon = date.today() + timedelta(days=7)
    coordination.revise_care_plan(named, zoe.pk, 0, {"needs": "housing"}, soon, True)
    coordination.add_case_note(named, zoe.pk, "Seen today")
    client = browser_for(named.user)
    pages = ["/", f"/people/{zoe.pk}", f"/people/{zoe.pk}/care-plan"]
    pages += [f"/people/{zoe.pk}/coordinator", "/people/search?q=zoe"]
    for url in pages:
        html = client.get(url).content.decode()
        assert "zq-login-7" not in html, url
    person_page = client.get(f"/people/{zoe.pk}").content.decode()
    assert "Ruth Barker, care coordinator" in person_page  # coordinator and the case note
    assert "Case note by Ruth Barker, care coordinator" in person_page
    assert "Ruth Barker" in client.get(f"/people/{zoe.pk}/care-plan").content.decode()
    assert "Ruth Barker (care coordinator, Talking Therapies)" in (
        client.get(f"/people/{zoe.pk}/coordinator").content.decode()
    )
    header = client.get("/").content.decode().split("</header>")[0]
    assert "Ruth Barker, care coordinator" in header
    assert "Ruth Barker, care coordinator" in client.get("/").content.decode()  # caseload


def test_a_user_without_a_name_is_not_shown_by_username(area: Area, zoe: Person) -> None:
    header = browser_for(area.therapist.user).get("/").content.decode().split("</header>")[0]
    assert "therapist" not in header
    assert f"Name not recorded (user {area.therapist.user.pk}), practitioner" in header


def test_the_caseload_tells_people_of_the_same_name_apart(area: Area) -> None:
    add(area.therapist, "Alex", "Smith", date_of_birth=date(1970, 5, 1), nhs_number=NHS)
    add(area.therapist, "Alex", "Smith", date_of_birth=date(1988, 9, 30))
    html = browser_for(area.therapist.user).get("/").content.decode()
    assert "(born 1 May 1970, NHS number 943 476 5919)" in html
    assert "(born 30 Sep 1988)" in html


# ---- error pages


def _without_nonce(html: str) -> str:
    return re.sub(r'nonce="[^"]*"', "", html)


def test_a_hidden_record_and_a_missing_one_get_the_same_styled_404(area: Area, zoe: Person) -> None:
    client = browser_for(area.gp_doctor.user)
    hidden = client.get(f"/people/{zoe.pk}")
    missing = client.get("/people/999999999")
    assert hidden.status_code == missing.status_code == 404
    assert _without_nonce(hidden.content.decode()) == _without_nonce(missing.content.decode())
    html = hidden.content.decode()
    assert "Page not found" in html
    assert "nhsuk-frontend.min.css" in html
    assert 'href="/"' in html  # a way back


def test_an_unknown_address_gets_the_404_page_signed_out_too(db: None) -> None:
    response = Client().get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="/sign-in"' in response.content.decode()


def test_a_form_without_its_csrf_token_gets_the_styled_403(area: Area) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(area.therapist.user)
    response = client.post("/people/new", {"given_name": "A", "family_name": "B"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The form has expired" in html
    assert 'href="/"' in html
    assert Person.objects.count() == 0


def test_the_403_handler_page(area: Area) -> None:
    request = RequestFactory().get("/")
    request.user = area.therapist.user
    response = errors.forbidden(request, PermissionError())
    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()


def test_the_500_page_needs_no_database_and_has_a_way_back(db: None) -> None:
    response = errors.server_error(RequestFactory().get("/people/1"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html
    assert "nhsuk-frontend.min.css" in html
    assert 'href="/"' in html


def test_the_500_page_answers_even_when_it_cannot_be_drawn(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> HttpResponse:
        raise RuntimeError("template engine down")

    monkeypatch.setattr(errors, "render", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


def test_the_root_urlconf_names_the_styled_handlers() -> None:
    from nowrongdoor.config import urls

    assert urls.handler404 == "nowrongdoor.web.errors.not_found"
    assert urls.handler403 == "nowrongdoor.web.errors.forbidden"
    assert urls.handler500 == "nowrongdoor.web.errors.server_error"
