"""Registering people (refusing duplicates), finding them, and reading their record."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from nowrongdoor.errors import AccessDenied, DuplicatePerson, InputError
from nowrongdoor.records.care.models import EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.directory.models import CLINICAL_ROLES, Service
from nowrongdoor.records.people.models import Person
from nowrongdoor.records.people.names import fold_name
from nowrongdoor.records.people.nhs_number import is_valid_nhs_number, spaced_nhs_number
from nowrongdoor.services import access, audit, use_case
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.risk import RiskFlag, risk_flags

PERSON_FIELDS = {
    "nhs_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "phone",
    "email",
    "address",
    "ethnicity",
    "sex",
    "gender_identity",
    "sexual_orientation",
    "religion",
    "disability",
}


def _validated(person: Person) -> None:
    """Each field's own checks; a recorded NHS number is `_duplicate`'s to refuse."""
    try:
        person.full_clean(exclude=["user"], validate_unique=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise InputError(field, f"{field}: {messages[0]}") from None


def _likely_same_name(a: Person, b: Person) -> bool:
    """Same family name and a first given name that one is the start of the other's
    ("Jo" and "Joanna"), or the two names the wrong way round; accents and case aside."""
    family_a, family_b = fold_name(a.family_name), fold_name(b.family_name)
    given_a, given_b = fold_name(a.given_name), fold_name(b.given_name)
    if family_a == given_b and given_a == family_b:
        return True
    first_a, first_b = (given_a.split() or [""])[0], (given_b.split() or [""])[0]
    return (
        family_a == family_b
        and bool(first_a and first_b)
        and (first_a.startswith(first_b) or first_b.startswith(first_a))
    )


Refusal = tuple[DuplicatePerson, int]  # the error, and the record matched (for the audit)


def _duplicate(actor: Actor, person: Person, confirmed_different: bool) -> Refusal | None:
    """Why `person` may already be recorded: the same NHS number (always refused), or the
    same date of birth and a likely same name, among the records `actor` may see only."""
    if person.nhs_number:
        known = Person.objects.filter(nhs_number=person.nhs_number).first()
        if known is not None:
            seen = access.visible_people(actor).filter(pk=known.pk).exists()
            spaced = spaced_nhs_number(person.nhs_number)
            message = (
                f"nhs_number: {spaced} is already recorded for "
                + (f"{known} (person {known.pk})" if seen else "someone else")
                + "; a person has one record"
            )
            return DuplicatePerson("nhs_number", message, (known.pk,) if seen else ()), known.pk
    if confirmed_different or person.date_of_birth is None:
        return None
    born_then = access.visible_people(actor).filter(date_of_birth=person.date_of_birth)
    matches = tuple(p.pk for p in born_then.order_by("pk") if _likely_same_name(p, person))
    if not matches:
        return None
    refused = DuplicatePerson(
        "confirmed_different",
        f"confirmed_different: {len(matches)} person(s) with this name and date of birth "
        f"already recorded (person {', '.join(map(str, matches))}); check they are not "
        "the same person, then confirm this is a different person",
        matches,
    )
    return refused, matches[0]


def register_person(
    actor: Actor,
    details: dict[str, Any],
    referral_date: date | None = None,
    *,
    confirmed_different: bool = False,
) -> Person:
    """Register a person at the actor's service, which opens their first episode of care.

    Refused with `DuplicatePerson` (audited) when their NHS number is already recorded, or,
    unless `confirmed_different`, when someone the actor may see has the same date of birth
    and a likely same name (`possible_matches` lists them for the actor to check).
    """
    unknown = set(details) - PERSON_FIELDS
    if unknown:
        field = sorted(unknown)[0]
        raise InputError(field, f"{field}: unknown field")
    with use_case(actor):
        if actor.role not in CLINICAL_ROLES or actor.service is None:
            raise AccessDenied(
                "only staff of a service can register a person", action="person.register"
            )
        person = Person(**{k: ("" if v is None else v) for k, v in details.items()})
        person.nhs_number = (person.nhs_number or "").replace(" ", "") or None
        person.date_of_birth = details.get("date_of_birth")
        _validated(person)
        if person.date_of_birth and person.date_of_birth > date.today():
            raise InputError("date_of_birth", "date_of_birth: must not be in the future")
        refused = _duplicate(actor, person, confirmed_different)
        if refused is None:
            refused = _saved(actor, person)
        if refused is None:
            episode = EpisodeOfCare.objects.create(
                person=person,
                service=actor.service,
                status=EpisodeStatus.REFERRAL_RECEIVED,
                referral_received=referral_date or date.today(),
            )
            audit.record(actor, "person.register", person_id=person.pk, obj=person)
            audit.record(actor, "episode.open", person_id=person.pk, obj=episode)
            return person
    error, matched = refused
    with use_case(actor):  # the refusal, and whose record it matched, kept in the trail
        audit.record(
            actor,
            "person.register",
            person_id=matched,
            outcome="refused",
            reason=f"possible duplicate ({error.field})",
        )
    raise error


def _saved(actor: Actor, person: Person) -> Refusal | None:
    """Save; someone else saving the same NHS number first is the same refusal."""
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        refused = _duplicate(actor, person, confirmed_different=True)
        if refused is None:
            raise
        return refused
    return None


def possible_matches(actor: Actor, person_ids: tuple[int, ...]) -> list[Found]:
    """The records a refused registration matched, as a search shows them (audited)."""
    with use_case(actor):
        people = access.visible_people(actor).filter(pk__in=person_ids)
        found = _found(actor, list(people.order_by("pk")))
        audit.record(
            actor,
            "person.search",
            reason=f"possible duplicates shown: {_ids(found)}",
        )
    return found


def read_record(actor: Actor, person_id: int, reason: str = "") -> access.Sight:
    """A person's record and how much of it the actor sees (`access.Sight`: filter every
    part of the record shown through it); the read is audited either way."""
    with use_case(actor):
        sight = access.person_sight(actor, person_id, "person.read")
        audit.record(
            actor,
            "person.read",
            person_id=sight.person.pk,
            obj=sight.person,
            reason=reason or sight.ground,
        )
    return sight


def read_person(actor: Actor, person_id: int, reason: str = "") -> Person:
    """A person's details, if the actor may see them; the read is audited either way. Any
    part of the record beyond the details is read through `read_record`."""
    return read_record(actor, person_id, reason).person


# ------------------------------------------------------------------ finding people

SEARCH_LIMIT = 50  # more than this: the searcher is asked to narrow the search
MAX_QUERY = 200


@dataclass(frozen=True)
class ServiceInvolved:
    service: Service
    open: bool  # an episode of care not yet discharged


@dataclass(frozen=True)
class Found:
    """One person a search found: who they are, and the services involved that the
    searcher's service may see (`access.Sight`)."""

    person: Person
    services: list[ServiceInvolved]


@dataclass(frozen=True)
class Search:
    found: list[Found]
    more: bool  # more than SEARCH_LIMIT matched; only the first are in `found`


def _nhs_number_searched(value: str) -> str:
    number = value.replace(" ", "")
    if not number:
        return ""
    if not is_valid_nhs_number(number):
        raise InputError(
            "nhs_number",
            "nhs_number: not a valid NHS number (10 digits, the last a modulus-11 check digit)",
        )
    return number


def _birth_date_searched(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
    except ValueError:
        return None


def _found(actor: Actor, people: list[Person]) -> list[Found]:
    """Each person with the services involved, as far as the actor's service sees them."""
    episodes = EpisodeOfCare.objects.filter(person__in=people).select_related("service")
    by_person: dict[int, list[EpisodeOfCare]] = {}
    for episode in episodes.order_by("service__name", "pk"):
        by_person.setdefault(episode.person_id, []).append(episode)
    found = []
    for person in people:
        sight = access.sight_of(actor, person, "search") if actor.service else None
        involved: dict[int, ServiceInvolved] = {}
        for episode in by_person.get(person.pk, []):
            if sight is not None and not sight.sees(episode):
                continue
            still_open = episode.status != EpisodeStatus.DISCHARGED
            earlier = involved.get(episode.service_id)
            involved[episode.service_id] = ServiceInvolved(
                episode.service, still_open or bool(earlier and earlier.open)
            )
        found.append(Found(person, list(involved.values())))
    return found


def _ids(found: list[Found]) -> str:
    return ", ".join(str(f.person.pk) for f in found) or "none"


def search_people(
    actor: Actor, q: str = "", nhs_number: str = "", birth_date: date | str | None = None
) -> Search:
    """The people `actor` may see (care relationship or consent; commissioners and
    administrators see no one) matching every criterion given: each word of `q` starts a
    word of the name (accents, case and punctuation aside), the NHS number (spaces allowed,
    modulus-11 checked), the date of birth. The search is audited with what was searched
    and whose records were listed."""
    q = q if isinstance(q, str) else ""
    if len(q) > MAX_QUERY:
        raise InputError("q", f"q: at most {MAX_QUERY} characters")
    words = fold_name(q).split()
    if q.strip() and not words:
        raise InputError("q", "q: enter some letters of the person's name")
    number = _nhs_number_searched(nhs_number if isinstance(nhs_number, str) else "")
    born = _birth_date_searched(birth_date)
    if birth_date not in (None, "") and born is None:
        raise InputError("birth_date", "birth_date: enter a date, like 1974-03-02")
    if not (words or number or born):
        raise InputError("q", "q: enter a name, an NHS number or a date of birth")
    with use_case(actor):
        people = access.visible_people(actor)
        for word in words:
            people = people.filter(
                Q(search_name__startswith=word) | Q(search_name__contains=" " + word)
            )
        if number:
            people = people.filter(nhs_number=number)
        if born:
            people = people.filter(date_of_birth=born)
        order = ("family_name", "given_name", "date_of_birth", "pk")
        listed = list(people.order_by(*order)[: SEARCH_LIMIT + 1])
        found = _found(actor, listed[:SEARCH_LIMIT])
        searched = "; ".join(
            f"{name}={value}"
            for name, value in (
                ("name", " ".join(words)),
                ("nhs_number", number),
                ("birth_date", born.isoformat() if born else ""),
            )
            if value
        )
        more = "+" if len(listed) > SEARCH_LIMIT else ""
        audit.record(
            actor,
            "person.search",
            reason=f"searched {searched}; listed {len(found)}{more}: {_ids(found)}",
        )
    return Search(found, more=bool(more))


# ------------------------------------------------------------------ the person banner


@dataclass(frozen=True)
class Banner:
    """Who this page is about, at the top of every page about a person: enough to tell
    them from anyone else of the same name, and their risk flags (never hidden, H1)."""

    person: Person
    nhs_number: str  # spaced 3-3-4, or ""
    age: int | None
    flags: list[RiskFlag]


def person_banner(actor: Actor, person: Person) -> Banner:
    """The banner of a person whose record `actor` has been allowed to read (and the read
    audited); the flags are those of the part of the record the actor's service sees."""
    sight = access.sight_of(actor, person, "banner")
    today = timezone.localdate()
    born = person.date_of_birth
    age = None
    if born is not None:
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    number = spaced_nhs_number(person.nhs_number) if person.nhs_number else ""
    return Banner(person, number, age, risk_flags(person, sight))
