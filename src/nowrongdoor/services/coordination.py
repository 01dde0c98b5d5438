"""The named care coordinator, the shared care plan, case notes and the recovery plan."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone

from nowrongdoor.errors import AccessDenied, Conflict, InputError
from nowrongdoor.records.coordination.models import (
    CARE_PLAN_SECTIONS,
    CareCoordinator,
    CarePlan,
    CarePlanVersion,
    Carer,
    CaseNote,
    Child,
    CoordinationBasis,
    RecoveryGoal,
    SafeguardingStatus,
    WithheldReason,
)
from nowrongdoor.records.directory.models import CLINICAL_ROLES, Membership, Role
from nowrongdoor.records.people.models import Person
from nowrongdoor.services import access, audit, backdating, checks, use_case
from nowrongdoor.services.actor import Actor


def _coordinator_user(user_id: int) -> tuple[User, Membership]:
    membership = (
        Membership.objects.filter(
            user_id=checks.an_id(user_id, "coordinator"), active=True, role__in=CLINICAL_ROLES
        )
        .select_related("user", "service")
        .first()
    )
    if membership is None or membership.service is None:
        raise InputError("coordinator", f"coordinator: user {user_id} is not staff of a service")
    return membership.user, membership


def _may_coordinate(user: User, membership: Membership, person: Person) -> None:
    """A coordinator's own service must be able to see the person (episode or consent)."""
    candidate = Actor(user=user, role=membership.role, service=membership.service)
    if access.why_allowed(candidate, person, "person.read") is None:
        raise InputError(
            "coordinator",
            "coordinator: their service has no care relationship or consent for this person",
        )


def name_coordinator(
    actor: Actor, person_id: int, coordinator_id: int, basis: str, on: date | None = None
) -> CareCoordinator:
    """Name the one care coordinator (PHE-COOC App5 §2); use `hand_over` to change them.
    `on`, when given, is the day they were named (not in the future), recorded later."""
    if basis not in CoordinationBasis.values:
        raise InputError("basis", f"basis: must be one of {', '.join(CoordinationBasis.values)}")
    if on is not None:
        checks.a_past_date(on, "started")
    user, membership = _coordinator_user(coordinator_id)
    with use_case(actor):
        person = access.person_for(actor, person_id, "coordinator.name")
        _may_coordinate(user, membership, person)
        if CareCoordinator.objects.filter(person=person, ended__isnull=True).exists():
            raise InputError("coordinator", "coordinator: one is already named; hand over instead")
        assert membership.service is not None
        named = CareCoordinator.objects.create(
            person=person, coordinator=user, service=membership.service, basis=basis
        )
        backdating.stamp(named, "started", on)
        audit.record(actor, "coordinator.name", person_id=person.pk, obj=named)
    return named


def hand_over(actor: Actor, person_id: int, coordinator_id: int, note: str) -> CareCoordinator:
    """End the current coordinator and name the next in one step, with a handover note."""
    note = checks.some_text(note, "note")
    user, membership = _coordinator_user(coordinator_id)
    with use_case(actor):
        sight = access.person_sight(actor, person_id, "coordinator.hand_over")
        person = sight.person
        current = (
            CareCoordinator.objects.select_for_update()
            .filter(person=person, ended__isnull=True)
            .first()
        )
        if current is None:
            raise InputError("coordinator", "coordinator: none is named yet; name one first")
        access.require_row(actor, sight, current, "coordinator.hand_over")
        if current.coordinator_id == user.pk:
            raise InputError("coordinator", "coordinator: already the named coordinator")
        _may_coordinate(user, membership, person)
        current.ended, current.handover_note = timezone.now(), note.strip()
        current.save()
        assert membership.service is not None
        named = CareCoordinator.objects.create(
            person=person, coordinator=user, service=membership.service, basis=current.basis
        )
        audit.record(actor, "coordinator.hand_over", person_id=person.pk, obj=named, reason=note)
    return named


def revise_care_plan(
    actor: Actor,
    person_id: int,
    expected_version: int,
    sections: dict[str, Any],
    next_review: date,
    agreed_with_person: bool,
    on: date | None = None,
) -> CarePlanVersion:
    """Save a new version of the shared care plan, never overwriting the last one.

    `expected_version` is the version the editor started from: if someone saved in between,
    `Conflict` is raised and nothing is saved (no lost update). `on`, when given, is the day
    the version was agreed, for one recorded later: not in the future, not before the last
    version, and its review not before it.
    """
    if not isinstance(sections, dict):
        raise InputError("sections", "sections: must be an object of section: text")
    unknown = sorted(set(sections) - set(CARE_PLAN_SECTIONS))
    if unknown:
        raise InputError(f"sections.{unknown[0]}", f"sections.{unknown[0]}: unknown section")
    for name, text in sections.items():
        checks.some_text(text, f"sections.{name}", required=False)
    checks.an_id(expected_version + 1, "expected_version")
    made = timezone.localdate() if on is None else checks.a_past_date(on, "date")
    if checks.a_date(next_review, "next_review") < made:
        raise InputError(
            "next_review",
            "next_review: must not be in the past"
            if on is None
            else f"next_review: must not be before the version's date ({made.isoformat()})",
        )
    with use_case(actor):
        sight = access.person_sight(actor, person_id, "care_plan.revise")
        person = sight.person
        plan, _ = CarePlan.objects.get_or_create(person=person)
        claimed = CarePlan.objects.filter(pk=plan.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise Conflict(
                f"care plan: changed by someone else since version {expected_version}; reload it"
            )
        previous = plan.versions.order_by("-number").first()
        if previous is not None:
            # A revision carries the other sections forward: only from a version it may see.
            access.require_row(actor, sight, previous, "care_plan.revise")
        if on is not None and previous is not None:
            last = timezone.localdate(previous.created_at)
            checks.a_past_date(
                on, "date", not_before=last, after=f"the last version ({last.isoformat()})"
            )
        before = previous.sections if previous else {}
        # A revision changes the sections it names; the others carry forward unchanged.
        after = {s: sections[s] if s in sections else before.get(s, "") for s in CARE_PLAN_SECTIONS}
        changed = [s for s in CARE_PLAN_SECTIONS if before.get(s, "") != after[s]]
        version = CarePlanVersion.objects.create(
            plan=plan,
            number=expected_version + 1,
            sections=after,
            next_review=next_review,
            agreed_with_person=agreed_with_person,
            change_summary=", ".join(changed) or "no section changed",
            author=actor.user,
            service=actor.service,
        )
        backdating.stamp(version, "created_at", on)
        audit.record(actor, "care_plan.revise", person_id=person.pk, obj=version)
    return version


def _withholding(reason: str, detail: str) -> tuple[str, str]:
    """A reason for keeping a note from the person, and what it is, checked."""
    if reason not in WithheldReason.values:
        raise InputError(
            "withheld_reason",
            f"withheld_reason: choose why it is not for the person "
            f"({', '.join(WithheldReason.values)})",
        )
    detail = checks.some_text(detail, "withheld_detail", required=False)
    if not detail:
        raise InputError(
            "withheld_detail",
            "withheld_detail: say what in the note is not for the person, and why",
        )
    return reason, detail


def add_case_note(
    actor: Actor, person_id: int, text: str, withheld_reason: str = "", withheld_detail: str = ""
) -> CaseNote:
    """Communication between care plan reviews (PHE-COOC App5 §5). With `withheld_reason`
    (and `withheld_detail`, saying what it is) the note is not for the person: it is left out
    of everything they see of their record."""
    if not text.strip():
        raise InputError("text", "text: required")
    if withheld_reason or withheld_detail.strip():
        withheld_reason, withheld_detail = _withholding(withheld_reason, withheld_detail)
    with use_case(actor):
        person = access.person_for(actor, person_id, "case_note.add")
        assert actor.service is not None
        note = CaseNote.objects.create(
            person=person,
            service=actor.service,
            text=text,
            author=actor.user,
            withheld_reason=withheld_reason,
            withheld_detail=withheld_detail,
        )
        audit.record(actor, "case_note.add", person_id=person.pk, obj=note)
        if note.not_for_person:
            audit.record(
                actor,
                "case_note.withhold",
                person_id=person.pk,
                obj=note,
                reason=f"{withheld_reason}: {withheld_detail}",
            )
    return note


def withhold_case_note(actor: Actor, note_id: int, reason: str, detail: str) -> CaseNote:
    """Mark a case note already written as not for the person, saying why (audited)."""
    reason, detail = _withholding(reason, detail)
    note = CaseNote.objects.filter(pk=checks.an_id(note_id, "note")).first()
    if note is None:
        raise InputError("note", f"note: {note_id} not found")
    with use_case(actor):
        sight = access.person_sight(actor, note.person_id, "case_note.withhold")
        access.require_row(actor, sight, note, "case_note.withhold")
        if actor.role == Role.PERSON:
            raise AccessDenied(
                "staff decide what is not for the person",
                action="case_note.withhold",
                person_id=note.person_id,
            )
        note.withheld_reason, note.withheld_detail = reason, detail
        note.save(update_fields=["withheld_reason", "withheld_detail"])
        audit.record(
            actor,
            "case_note.withhold",
            person_id=note.person_id,
            obj=note,
            reason=f"{reason}: {detail}",
        )
    return note


def add_recovery_goal(actor: Actor, person_id: int, in_their_words: str) -> RecoveryGoal:
    """The person's own goal in their own words; the person may write it themselves."""
    if not in_their_words.strip():
        raise InputError("in_their_words", "in_their_words: required")
    with use_case(actor):
        person = access.person_for(actor, person_id, "recovery_goal.add")
        goal = RecoveryGoal.objects.create(
            person=person,
            in_their_words=in_their_words.strip(),
            written_by_person=actor.role == Role.PERSON,
            service=actor.service,
        )
        audit.record(actor, "recovery_goal.add", person_id=person.pk, obj=goal)
    return goal


def review_recovery_goal(actor: Actor, goal_id: int, achieved: bool, on: date) -> RecoveryGoal:
    """Review a goal with the person (DS-BRIC): the words stay theirs; we record the review."""
    checks.a_date(on, "on")
    goal = RecoveryGoal.objects.filter(pk=checks.an_id(goal_id, "goal")).first()
    if goal is None:
        raise InputError("goal", f"goal: {goal_id} not found")
    with use_case(actor):
        sight = access.person_sight(actor, goal.person_id, "recovery_goal.review")
        access.require_row(actor, sight, goal, "recovery_goal.review")
        goal.last_reviewed, goal.achieved = on, achieved
        goal.save()
        audit.record(actor, "recovery_goal.review", person_id=goal.person_id, obj=goal)
    return goal


def record_carer(
    actor: Actor,
    person_id: int,
    name: str,
    relationship: str,
    consent_to_involve: bool,
    offered_carer_assessment: bool = False,
) -> Carer:
    """A carer or family member; offering them an assessment in their own right is recorded."""
    name = checks.some_text(name, "name", max_length=200)
    relationship = checks.some_text(relationship, "relationship", max_length=100)
    with use_case(actor):
        person = access.person_for(actor, person_id, "carer.record")
        carer = Carer.objects.create(
            person=person,
            service=actor.service,
            name=name,
            relationship=relationship,
            consent_to_involve=consent_to_involve,
            offered_carer_assessment=offered_carer_assessment,
        )
        audit.record(actor, "carer.record", person_id=person.pk, obj=carer)
    return carer


def record_child(
    actor: Actor,
    person_id: int,
    year_of_birth: int,
    lives_with_person: bool,
    whereabouts: str = "",
    safeguarding_status: str = SafeguardingStatus.NOT_KNOWN,
) -> Child:
    """Number, ages and whereabouts of children (DS-BRIC "safeguard children")."""
    this_year = timezone.localdate().year
    if isinstance(year_of_birth, bool) or not isinstance(year_of_birth, int):
        raise InputError("year_of_birth", "year_of_birth: must be a year")
    if not this_year - 25 <= year_of_birth <= this_year:
        raise InputError("year_of_birth", f"year_of_birth: must be {this_year - 25}-{this_year}")
    if safeguarding_status not in SafeguardingStatus.values:
        raise InputError(
            "safeguarding_status",
            f"safeguarding_status: must be one of {', '.join(SafeguardingStatus.values)}",
        )
    if not lives_with_person and not whereabouts.strip():
        raise InputError("whereabouts", "whereabouts: required when the child lives elsewhere")
    with use_case(actor):
        person = access.person_for(actor, person_id, "child.record")
        child = Child.objects.create(
            person=person,
            service=actor.service,
            year_of_birth=year_of_birth,
            lives_with_person=lives_with_person,
            whereabouts=whereabouts.strip(),
            safeguarding_status=safeguarding_status,
        )
        audit.record(actor, "child.record", person_id=person.pk, obj=child)
    return child


def read_care_plan(actor: Actor, person_id: int) -> tuple[access.Sight, list[CarePlanVersion]]:
    """The care plan's versions the actor sees, newest first, and its sight of the person;
    refused (and audited) when the current version is one it may not see, so no service
    reads or revises a plan from an out-of-date version."""
    with use_case(actor):
        sight = access.person_sight(actor, person_id, "person.read")
        every = CarePlanVersion.objects.filter(plan__person=sight.person)
        current = every.order_by("-number").first()
        if current is not None:
            access.require_row(actor, sight, current, "care_plan.read")
        versions = list(sight.rows(every).select_related("author").order_by("-number"))
        audit.record(
            actor,
            "care_plan.read",
            person_id=sight.person.pk,
            obj=sight.person,
            reason=sight.ground,
        )
    return sight, versions


def read_coordinator(actor: Actor, person_id: int) -> tuple[access.Sight, CareCoordinator | None]:
    """The named coordinator now (None if none), and the actor's sight of the person;
    refused (and audited) when they are named at a service whose records it may not see."""
    with use_case(actor):
        sight = access.person_sight(actor, person_id, "person.read")
        current = current_coordinator(sight.person)
        if current is not None:
            access.require_row(actor, sight, current, "coordinator.read")
        audit.record(
            actor,
            "coordinator.read",
            person_id=sight.person.pk,
            obj=sight.person,
            reason=sight.ground,
        )
    return sight, current


def current_care_plan(person: Person) -> CarePlanVersion | None:
    """The latest version of the person's care plan, if one was started."""
    return CarePlanVersion.objects.filter(plan__person=person).order_by("-number").first()


def current_coordinator(person: Person) -> CareCoordinator | None:
    """The one active coordinator, if named (the caller may already read the person)."""
    return (
        CareCoordinator.objects.filter(person=person, ended__isnull=True)
        .select_related("coordinator", "service")
        .first()
    )
