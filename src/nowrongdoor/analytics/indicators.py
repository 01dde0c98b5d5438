"""The indicator registry: each indicator declared once, as Ibis expressions over the extract.

An indicator's `units` expression returns one row per unit counted in its denominator (an
episode, a course, a referral, a person at a service) with the columns `person_id`,
`service_id`, `substance_group` (null when not a drug and alcohol indicator) and a boolean
`numerator`. The engine (`engine.py`) joins the equality fields and counts by breakdown, on
whichever backend holds the tables. Definitions follow ../shared/guidance/INDICATORS.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.types as ir

from nowrongdoor.analytics.tables import NOT_KNOWN

Tables = Mapping[str, ir.Table]

DRUG_ALCOHOL = "drug-alcohol-service"
MENTAL_HEALTH_SETTINGS = ("iapt", "mental-health-secondary")
PHQ9_CASENESS, GAD7_CASENESS = 10, 8  # Talking Therapies caseness (INSTRUMENTS.md)
WAIT_DAYS_DRUG_ALCOHOL = 21  # NDTMS: 3 weeks or less from referral to first intervention
WAIT_DAYS_THERAPY = (42, 126)  # Talking Therapies: 6 and 18 weeks
PHQ9_RELIABLE, GAD7_RELIABLE = 6, 4  # reliable change (INSTRUMENTS.md)
RE_PRESENTATION_DAYS = 182  # PHOF C19: no re-presentation within 6 months
CONTINUITY_DAYS = 21  # continuity of care: community treatment within 3 weeks of release
EQUALITY = ("age_band", "sex", "ethnicity_group", "disability", "sexual_orientation", "service")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    definition: str
    source: str
    units: Callable[[Tables, Period], ir.Table]
    breakdowns: tuple[str, ...] = EQUALITY
    higher_is_better: bool = True


def _episodes_at(t: Tables, settings: tuple[str, ...]) -> ir.Table:
    """Episodes at services of these settings (IN, not a semi-join: Ibis 12 writes a nested
    semi-join as LEFT SEMI JOIN, which PostgreSQL refuses)."""
    services = t["services"].filter(t["services"].setting.isin(settings))
    return t["episodes"].filter(t["episodes"].service_id.isin(services.service_id))


def _episodes_in(t: Tables, setting: str) -> ir.Table:
    return _episodes_at(t, (setting,))


def _in_treatment(episodes: ir.Table, p: Period) -> ir.Table:
    return episodes.filter(
        episodes.treatment_started <= p.end,
        episodes.discharged.isnull() | (episodes.discharged >= p.start),
    )


def _units(table: ir.Table, numerator: ir.BooleanValue, group: bool = True) -> ir.Table:
    substance = table.substance_group if group else ibis.null(str)
    return table.select(
        "person_id", "service_id", substance_group=substance, numerator=numerator.fill_null(False)
    )


def _has_match(
    table: ir.Table, other: ir.Table, predicate: ir.BooleanValue, key: str
) -> ir.BooleanValue:
    """Whether each row of `table` (by its unique `key`) has a row of `other` meeting
    `predicate`: an IN over the matched keys, which every engine runs alike."""
    matched = table.join(other, predicate).select(key).distinct()
    return table[key].isin(matched[key])


def _mental_health_need(t: Tables, p: Period, people: ir.IntegerColumn) -> ir.Table:
    """Which of `people` (person ids) had a mental health need by the period's end: a PHQ-9
    or GAD-7 screen at caseness, or an episode at a Talking Therapies or secondary mental
    health service. Filtering by `people` before the DISTINCT spares one over every
    Talking Therapies client in the nation (4x faster on 20 M episodes)."""
    s = t["screenings"]
    screened = s.filter(
        s.date <= p.end,
        ((s.instrument == "phq9") & (s.total >= PHQ9_CASENESS))
        | ((s.instrument == "gad7") & (s.total >= GAD7_CASENESS)),
    ).select("person_id")
    e = _episodes_at(t, MENTAL_HEALTH_SETTINGS)
    in_services = e.filter(e.referral_received <= p.end).select("person_id")
    need = screened.union(in_services)
    return need.filter(need.person_id.isin(people)).distinct().mutate(need=True)


def people_in_treatment(t: Tables, p: Period) -> ir.Table:
    """One row per person, service and substance group in drug and alcohol treatment."""
    e = _in_treatment(_episodes_in(t, DRUG_ALCOHOL), p)
    keys = e.select("person_id", "service_id", "substance_group").distinct()
    return keys.left_join(_mental_health_need(t, p, keys.person_id), "person_id").select(
        "person_id", "service_id", "substance_group", need=ibis._.need.fill_null(False)
    )


def co_occurring_share(t: Tables, p: Period) -> ir.Table:
    people = _shared(t, p, "people_in_treatment")
    return _units(people, people.need)


def wait_drug_alcohol(t: Tables, p: Period) -> ir.Table:
    e = _episodes_in(t, DRUG_ALCOHOL)
    started = e.filter(e.treatment_started.between(p.start, p.end))
    days = started.treatment_started.delta(started.referral_received, unit="day")
    return _units(started, days <= WAIT_DAYS_DRUG_ALCOHOL)


def successful_completion(t: Tables, p: Period) -> ir.Table:
    e = _episodes_in(t, DRUG_ALCOHOL)
    completed = e.filter(e.discharged.between(p.start, p.end), e.free_of_dependence)
    later = e.select(later_person="person_id", later_referral="referral_received")
    back = _has_match(
        completed,
        later,
        (completed.person_id == later.later_person)
        & (later.later_referral > completed.discharged)
        & (later.later_referral <= completed.discharged + ibis.interval(days=RE_PRESENTATION_DAYS)),
        "episode_id",
    )
    success = (
        completed.filter(~back)
        .select("person_id", "service_id", "substance_group", success=ibis.literal(True))
        .distinct()
    )
    people = _shared(t, p, "people_in_treatment").left_join(
        success, ["person_id", "service_id", "substance_group"]
    )
    return _units(people, people.success)


_BITS = 17  # a packed field: an int16 shifted to 0..65535, or 65536 for null


def _pack(key: ir.IntegerValue, *values: ir.IntegerValue) -> ir.IntegerValue:
    """int16 values (nulls too) packed after an int16 key into one int64 that orders as the
    tuple does; null when the key is (so min and max skip it, as a join on it would)."""
    packed = key.cast("int64") + 2**15
    for value in values:
        packed = (packed << _BITS) | (value.cast("int64") + 2**15).fill_null(2**16)
    return packed


def _unpack(packed: ir.IntegerValue, shift: int) -> ir.IntegerValue:
    """The field `shift` fields from the right of a _pack, as int16 (null if it was)."""
    field = (packed >> (shift * _BITS)) & (2**_BITS - 1)
    return (field.nullif(2**16) - 2**15).cast("int16")


def finished_courses(t: Tables, p: Period) -> ir.Table:
    """Courses ended in the period with at least 2 attended treatment sessions, with the
    first and last session's PHQ-9 and GAD-7. Session numbers are unique in a course, so the
    min and max of (session number, PHQ-9, GAD-7) packed in one integer are the first and
    last session's: one aggregate pass over the sessions, where two self-joins for them
    took 3x as long (and `first`/`arg_min` ordered aggregates longer still) on DuckDB."""
    s = t["therapy_sessions"].filter(ibis._.is_treatment)
    packed = _pack(s.session_number, s.phq9_total, s.gad7_total)
    span = s.group_by("course_id").aggregate(
        sessions=s.count(), low=packed.min(), high=packed.max()
    )
    c = t["therapy_courses"]
    courses = c.filter(c.ended.between(p.start, p.end)).join(span, "course_id")
    courses = courses.filter(courses.sessions >= 2, courses.low.notnull())
    return courses.select(
        *c.columns,
        "sessions",
        first=_unpack(courses.low, 2),
        last=_unpack(courses.high, 2),
        phq9_first=_unpack(courses.low, 1),
        gad7_first=_unpack(courses.low, 0),
        phq9_last=_unpack(courses.high, 1),
        gad7_last=_unpack(courses.high, 0),
    )


def _caseness(phq9: ir.IntegerValue, gad7: ir.IntegerValue) -> ir.BooleanValue:
    return (phq9 >= PHQ9_CASENESS) | (gad7 >= GAD7_CASENESS)


def _measured_courses(t: Tables, p: Period) -> ir.Table:
    """Finished courses with PHQ-9 and GAD-7 at both the first and the last session."""
    f = _shared(t, p, "finished_courses")
    return f.filter(
        f.phq9_first.notnull(), f.gad7_first.notnull(), f.phq9_last.notnull(), f.gad7_last.notnull()
    )


def _reliable_change(c: ir.Table) -> tuple[ir.BooleanValue, ir.BooleanValue]:
    """(reliably improved, reliably deteriorated): PHQ-9 by 6 or GAD-7 by 4 (INSTRUMENTS.md);
    an improvement only counts when neither measure rose by that much."""
    phq9, gad7 = c.phq9_last - c.phq9_first, c.gad7_last - c.gad7_first
    worse = (phq9 >= PHQ9_RELIABLE) | (gad7 >= GAD7_RELIABLE)
    better = (phq9 <= -PHQ9_RELIABLE) | (gad7 <= -GAD7_RELIABLE)
    return better & ~worse, worse


def _at_caseness_at_start(t: Tables, p: Period) -> ir.Table:
    c = _measured_courses(t, p)
    return c.filter(_caseness(c.phq9_first, c.gad7_first))


def therapy_recovery(t: Tables, p: Period) -> ir.Table:
    c = _at_caseness_at_start(t, p)
    return _units(c, ~_caseness(c.phq9_last, c.gad7_last), group=False)


def therapy_reliable_recovery(t: Tables, p: Period) -> ir.Table:
    c = _at_caseness_at_start(t, p)
    improved, _ = _reliable_change(c)
    return _units(c, ~_caseness(c.phq9_last, c.gad7_last) & improved, group=False)


def therapy_reliable_improvement(t: Tables, p: Period) -> ir.Table:
    c = _measured_courses(t, p)
    return _units(c, _reliable_change(c)[0], group=False)


def therapy_reliable_deterioration(t: Tables, p: Period) -> ir.Table:
    c = _measured_courses(t, p)
    return _units(c, _reliable_change(c)[1], group=False)


def _waited_at_most(days: int) -> Callable[[Tables, Period], ir.Table]:
    def wait_therapy(t: Tables, p: Period) -> ir.Table:
        f = _shared(t, p, "finished_courses")
        return _units(f, f.started.delta(f.referral_received, unit="day") <= days, False)

    return wait_therapy


def _co_occurring(t: Tables, p: Period) -> ir.Table:
    people = _shared(t, p, "people_in_treatment")
    return people.filter(people.need)


def _declined(t: Tables, p: Period) -> ir.Table:
    """Referrals declined in the period, counted at the declining service."""
    r = t["referrals"]
    declined = r.filter(r.status == "declined", r.decided.between(p.start, p.end))
    return declined.mutate(service_id=declined.to_service_id)


def declined_without_route(t: Tables, p: Period) -> ir.Table:
    declined = _declined(t, p)
    return _units(declined, ~declined.alternative_route, False)


def declined_started_elsewhere(t: Tables, p: Period) -> ir.Table:
    """Declined referrals after which the person started treatment at another service (the
    records name the route in free text, so any other service's treatment counts)."""
    declined = _declined(t, p)
    e = t["episodes"]
    started = e.select(
        started_person="person_id", started_service="service_id", started_on="treatment_started"
    )
    elsewhere = _has_match(
        declined,
        started,
        (declined.person_id == started.started_person)
        & (started.started_service != declined.service_id)
        & started.started_on.between(declined.decided, p.end),
        "referral_id",
    )
    return _units(declined, elsewhere, False)


def _not_initially_suitable(t: Tables, p: Period) -> ir.Table:
    """Assessments in the period that found the person not initially suitable for Talking
    Therapies, counted at the assessing service."""
    a = t["assessments"]
    return a.filter(a.suitability == "not-initially-suitable", a.date.between(p.start, p.end))


def _route_taken(kinds: tuple[str, ...]) -> Callable[[Tables, Period], ir.Table]:
    """Not-initially-suitable assessments with an action of one of `kinds` on the route."""

    def route(t: Tables, p: Period) -> ir.Table:
        assessed = _not_initially_suitable(t, p)
        r = t["route_actions"]
        acted = r.filter(r.kind.isin(kinds), r.date <= p.end)
        return _units(assessed, assessed.assessment_id.isin(acted.assessment_id), False)

    return route


def not_suitable_started_route(t: Tables, p: Period) -> ir.Table:
    """Not-initially-suitable assessments after which the person was in treatment at another
    service (already or newly) at some time up to the period's end."""
    assessed = _not_initially_suitable(t, p)
    e = t["episodes"]
    treated = e.filter(e.treatment_started.notnull()).select(
        treated_person="person_id",
        treated_service="service_id",
        treated_from="treatment_started",
        treated_to="discharged",
    )
    on_route = _has_match(
        assessed,
        treated,
        (assessed.person_id == treated.treated_person)
        & (treated.treated_service != assessed.service_id)
        & (treated.treated_from <= p.end)
        & (treated.treated_to.isnull() | (treated.treated_to >= assessed.date)),
        "assessment_id",
    )
    return _units(assessed, on_route, False)


def named_coordinator(t: Tables, p: Period) -> ir.Table:
    people = _co_occurring(t, p)
    c = t["coordinators"]
    named = c.filter(c.started <= p.end, c.ended.isnull() | (c.ended >= p.start))
    named = named.select("person_id").distinct().mutate(named=True)
    joined = people.left_join(named, "person_id")
    return _units(joined, joined.named, group=False)


def care_plan_reviewed_on_time(t: Tables, p: Period) -> ir.Table:
    """Co-occurring people with a care plan review due in the period while in drug and alcohol
    treatment: on time when every such review has a newer version of the plan created by its
    date. A review falling due after the person left treatment is not expected."""
    e = _in_treatment(_episodes_in(t, DRUG_ALCOHOL), p)
    treated = e.group_by(treated_person=e.person_id).aggregate(
        ongoing=e.discharged.isnull().any(), left=e.discharged.max()
    )
    v = t["care_plan_versions"]
    due = v.filter(v.next_review.between(p.start, p.end))
    due = due.join(treated, due.person_id == treated.treated_person)
    due = due.filter(treated.ongoing | (due.next_review <= treated.left)).select(v.columns)
    newer = v.select(newer_person="person_id", newer_number="number", newer_created="created")
    on_time = (
        due.join(
            newer,
            (due.person_id == newer.newer_person)
            & (newer.newer_number > due.number)
            & (newer.newer_created <= due.next_review),
        )
        .select("person_id", "number")
        .distinct()
        .mutate(on_time=True)
    )
    marked = due.left_join(on_time, ["person_id", "number"])
    late = marked.group_by("person_id").aggregate(late=(~marked.on_time.fill_null(False)).any())
    people = _co_occurring(t, p).join(late, "person_id")
    return _units(people, ~people.late, group=False)


def crisis_plan(t: Tables, p: Period) -> ir.Table:
    """Co-occurring people whose latest care plan by the period's end has a crisis plan
    (no plan: no crisis plan)."""
    v = t["care_plan_versions"]
    latest = _latest(v.filter(v.created <= p.end), ["person_id"], v.number)
    people = _co_occurring(t, p).left_join(latest.select("person_id", "crisis_plan"), "person_id")
    return _units(people, people.crisis_plan, group=False)


def consent_coverage(t: Tables, p: Period) -> ir.Table:
    """Co-occurring people whose latest decision by the period's end, for at least one service
    other than the one treating them, is consent given to share."""
    c = t["consents"]
    latest = _latest(c.filter(c.date <= p.end), ["person_id", "recipient_service_id"], c.consent_id)
    given = latest.filter(latest.state == "given").select(
        given_person="person_id", recipient="recipient_service_id"
    )
    people = _co_occurring(t, p)
    sharing = (
        people.join(
            given,
            (people.person_id == given.given_person) & (people.service_id != given.recipient),
        )
        .select("person_id", "service_id")
        .distinct()
        .mutate(sharing=True)
    )
    joined = people.left_join(sharing, ["person_id", "service_id"])
    return _units(joined, joined.sharing, group=False)


def check_ups_done(t: Tables, p: Period) -> ir.Table:
    c = t["check_ups"]
    due = c.filter(c.due.between(p.start, p.end))
    return _units(due, due.done <= p.end, group=False)


def _children(t: Tables, numerator: ir.Deferred) -> ir.Table:
    """People living with children (in the records), with `numerator` aggregated over them."""
    c = t["children"].filter(ibis._.lives_with_person)
    return c.group_by("person_id").aggregate(numerator.name("child"))


def living_with_children(t: Tables, p: Period) -> ir.Table:
    living = _children(t, ibis._.count() > 0)
    people = _shared(t, p, "people_in_treatment").left_join(living, "person_id")
    return _units(people, people.child)


def children_safeguarding_known(t: Tables, p: Period) -> ir.Table:
    known = _children(t, (ibis._.safeguarding_status.fill_null(NOT_KNOWN) != NOT_KNOWN).all())
    people = _shared(t, p, "people_in_treatment").join(known, "person_id")
    return _units(people, people.child)


def _people_with(t: Tables, p: Period, episodes: ir.Table) -> ir.Table:
    """People in treatment (the denominator), counted when one of `episodes` is theirs at the
    same service and substance group."""
    keys = episodes.select("person_id", "service_id", "substance_group").distinct()
    people = _shared(t, p, "people_in_treatment").left_join(
        keys.mutate(hit=True), ["person_id", "service_id", "substance_group"]
    )
    return _units(people, people.hit)


def new_presentations(t: Tables, p: Period) -> ir.Table:
    """People in treatment whose treatment at the service started in the period."""
    e = _episodes_in(t, DRUG_ALCOHOL)
    return _people_with(t, p, e.filter(e.treatment_started.between(p.start, p.end)))


def deaths_in_treatment(t: Tables, p: Period) -> ir.Table:
    e = _episodes_in(t, DRUG_ALCOHOL)
    died = e.filter(e.discharge_type == "died", e.discharged.between(p.start, p.end))
    return _people_with(t, p, died)


def continuity_after_prison(t: Tables, p: Period) -> ir.Table:
    """Releases in the period from treatment at a prison service; the numerator: treatment
    started at a community drug and alcohol service within 21 days of release."""
    e = _episodes_in(t, "prison")
    released = e.filter(
        e.discharge_type == "released",
        e.discharged.between(p.start, p.end),
        e.treatment_started.notnull(),
    )
    community = _episodes_in(t, DRUG_ALCOHOL).select(
        community_person="person_id", community_started="treatment_started"
    )
    engaged = _has_match(
        released,
        community,
        (released.person_id == community.community_person)
        & community.community_started.between(
            released.discharged, released.discharged + ibis.interval(days=CONTINUITY_DAYS)
        ),
        "episode_id",
    )
    return _units(released, engaged)


def therapy_entering_treatment(t: Tables, p: Period) -> ir.Table:
    e = _episodes_in(t, "iapt")
    referred = e.filter(e.referral_received.between(p.start, p.end))
    return _units(referred, referred.treatment_started <= p.end, group=False)


def therapy_finished_course(t: Tables, p: Period) -> ir.Table:
    s = t["therapy_sessions"].filter(ibis._.is_treatment)
    sessions = s.group_by("course_id").aggregate(sessions=s.count())
    c = t["therapy_courses"]
    ended = c.filter(c.ended.between(p.start, p.end)).left_join(sessions, "course_id")
    return _units(ended, ended.sessions >= 2, group=False)


def _latest(table: ir.Table, keys: list[str], order: ir.Column) -> ir.Table:
    """The last row of each group by `order` (ties: any one)."""
    rank = ibis.row_number().over(group_by=keys, order_by=ibis.desc(order))
    return table.mutate(rank=rank).filter(ibis._.rank == 0).drop("rank")


def top_pairs(t: Tables, p: Period) -> ir.Table:
    """Each person and service's latest review or exit TOP in the period, with the latest
    start TOP on or before it (suffix `_start`), and the substance group of their latest
    episode there that started by the follow-up. TOP change is per domain (INSTRUMENTS.md)."""
    top = t["tops"]
    follow = _latest(
        top.filter(top.stage.isin(("review", "exit")), top.date.between(p.start, p.end)),
        ["person_id", "service_id"],
        top.date,
    )
    start = top.filter(top.stage == "start").rename(lambda name: f"{name}_start")
    pairs = follow.join(
        start,
        (follow.person_id == start.person_id_start)
        & (follow.service_id == start.service_id_start)
        & (start.date_start <= follow.date),
    )
    pairs = _latest(pairs, ["person_id", "service_id"], pairs.date_start)
    e = t["episodes"].select(
        e_person="person_id",
        e_service="service_id",
        e_started="treatment_started",
        e_group="substance_group",
    )
    grouped = pairs.left_join(
        e,
        (pairs.person_id == e.e_person)
        & (pairs.service_id == e.e_service)
        & (e.e_started <= pairs.date),
    )
    grouped = _latest(grouped, ["person_id", "service_id"], grouped.e_started)
    return grouped.mutate(substance_group=grouped.e_group).drop(
        "e_person", "e_service", "e_started", "e_group"
    )


def _used(top: ir.Table, suffix: str = "") -> ir.IntegerValue:
    """Days of alcohol, illicit opioid and crack use in the TOP's 28 days (null if any is)."""
    return top[f"alcohol_days{suffix}"] + top[f"opioids_days{suffix}"] + top[f"crack_days{suffix}"]


def _top_change(
    keep: Callable[[ir.Table], ir.BooleanValue], better: Callable[[ir.Table], ir.BooleanValue]
) -> Callable[[Tables, Period], ir.Table]:
    """Pairs where `keep` holds at the start; the numerator: `better` at review or exit."""

    def change(t: Tables, p: Period) -> ir.Table:
        pairs = _shared(t, p, "top_pairs")
        kept = pairs.filter(keep(pairs))
        return _units(kept, better(kept))

    return change


SHARED: dict[str, Callable[[Tables, Period], ir.Table]] = {
    "people_in_treatment": people_in_treatment,
    "finished_courses": finished_courses,
    "top_pairs": top_pairs,
}


def _shared(t: Tables, p: Period, name: str) -> ir.Table:
    """An intermediate table several indicators use: the engine's materialised copy for this
    period when it made one (engine.share), else the expression itself."""
    return t[name] if name in t else SHARED[name](t, p)


_SUBSTANCE = (*EQUALITY, "substance_group")
REGISTRY: tuple[Indicator, ...] = (
    Indicator(
        "co_occurring_in_treatment",
        "Adults in drug and alcohol treatment with a co-occurring mental health need",
        "People in drug and alcohol treatment at any time in the period (denominator: numbers in "
        "treatment, by substance group) with a PHQ-9 >= 10 or GAD-7 >= 8 screen, or an episode at "
        "a Talking Therapies or secondary mental health service, by the period's end.",
        "NDTMS adults in treatment (substance group hierarchy; mental health treatment need)",
        co_occurring_share,
        _SUBSTANCE,
    ),
    Indicator(
        "new_presentations",
        "New presentations to drug and alcohol treatment, by substance group",
        "People in drug and alcohol treatment at any time in the period (denominator: numbers in "
        "treatment) whose treatment at the service started in the period (numerator: new "
        "presentations), by the NDTMS substance group hierarchy.",
        "NDTMS adults in treatment: new presentations by substance group (INDICATORS.md)",
        new_presentations,
        _SUBSTANCE,
    ),
    Indicator(
        "wait_drug_alcohol_3_weeks",
        "Drug and alcohol treatment started within 3 weeks of referral",
        "Episodes whose first treatment intervention fell in the period, waiting 21 days or less "
        "from referral received to treatment started.",
        "NDTMS waiting times (nationally 98-99% within 3 weeks)",
        wait_drug_alcohol,
        _SUBSTANCE,
    ),
    Indicator(
        "successful_completion",
        "Successful completion of drug and alcohol treatment without re-presentation",
        "People in treatment in the period who left treatment free of dependence in the period "
        "and were not referred to drug and alcohol treatment again within 6 months (182 days) "
        "of leaving. Re-presentations after the extract date are not yet seen.",
        "PHOF C19a/b/c (opiate, non-opiate, alcohol); Fingertips 90245",
        successful_completion,
        _SUBSTANCE,
    ),
    Indicator(
        "deaths_in_treatment",
        "Deaths in drug and alcohol treatment",
        "People in drug and alcohol treatment in the period (as co_occurring_in_treatment) "
        "whose episode ended in the period with the discharge reason 'died'. Deaths are only "
        "those the service recorded; the population measure (PHOF C19d) is not computed here.",
        "INDICATORS.md (deaths in treatment: a local measure; NDTMS discharge reason 'died')",
        deaths_in_treatment,
        _SUBSTANCE,
        higher_is_better=False,
    ),
    Indicator(
        "continuity_after_prison",
        "Continuity of care after prison: community treatment within 3 weeks of release",
        "People released in the period from treatment at a prison service (the breakdown's "
        "service; discharge reason 'released') who started treatment at a community drug and "
        "alcohol service within 21 days of release. Releases in the last 3 weeks before the "
        "extract date may not yet show their community start.",
        "Continuity of care for adults released from prison (gov.uk, 2018/2023; formerly PHOF "
        "2.16; INDICATORS.md); PHE-COOC action 4 (continuity between prison and community)",
        continuity_after_prison,
        _SUBSTANCE,
    ),
    *(
        Indicator(
            f"top_{name}",
            f"TOP change, start to review or exit: {title}",
            "People whose latest Treatment Outcomes Profile at review or exit fell in the period, "
            f"paired with the latest start TOP at the same service before it: {definition}. "
            "People missing the domain at either TOP are left out. By substance group: that of "
            "their latest episode at the service started by the review or exit.",
            "NDTMS Treatment Outcomes Profile, change per domain from start to review/exit "
            "(INSTRUMENTS.md; INDICATORS.md)",
            _top_change(keep, better),
            _SUBSTANCE,
        )
        for name, title, definition, keep, better in (
            (
                "abstinence",
                "abstinent",
                "of those using alcohol, illicit opioids or crack in the 28 days before the "
                "start, those using none of them in the 28 days before the review or exit",
                lambda pair: _used(pair, "_start") > 0,
                lambda pair: _used(pair) == 0,
            ),
            (
                "reduced_use",
                "fewer days used",
                "of those using alcohol, illicit opioids or crack at the start, those whose days "
                "of use (the three summed) were fewer at the review or exit",
                lambda pair: _used(pair, "_start") > 0,
                lambda pair: _used(pair) < _used(pair, "_start"),
            ),
            (
                "stopped_injecting",
                "stopped injecting",
                "of those injecting at the start, those with no days injected at the review or "
                "exit",
                lambda pair: pair.injecting_days_start > 0,
                lambda pair: pair.injecting_days == 0,
            ),
            (
                "housing",
                "acute housing problem resolved",
                "of those with an acute housing problem at the start, those without one at the "
                "review or exit",
                lambda pair: pair.acute_housing_problem_start,
                lambda pair: ~pair.acute_housing_problem,
            ),
            (
                "employment",
                "into paid work",
                "of those with no days of paid work at the start, those with at least one at the "
                "review or exit",
                lambda pair: pair.paid_work_days_start == 0,
                lambda pair: pair.paid_work_days > 0,
            ),
            (
                "quality_of_life",
                "quality of life improved",
                "of those rating their quality of life (0-20) at both, those rating it higher at "
                "the review or exit",
                lambda pair: pair.quality_of_life_start.notnull(),
                lambda pair: pair.quality_of_life > pair.quality_of_life_start,
            ),
        )
    ),
    Indicator(
        "therapy_entering_treatment",
        "Talking Therapies referrals entering treatment (access)",
        "Referrals to Talking Therapies received in the period (denominator) that entered "
        "treatment by the period's end (numerator: the access count). The published access rate "
        "divides entering treatment by local prevalence, which the extract does not hold.",
        "NHS Talking Therapies access (INDICATORS.md; targets 22%, then 25% of prevalence)",
        therapy_entering_treatment,
    ),
    Indicator(
        "therapy_finished_course",
        "Talking Therapies finished courses of treatment",
        "Courses of treatment that ended in the period (denominator) after at least 2 attended "
        "treatment sessions (numerator: finished courses).",
        "NHS Talking Therapies: finished a course of treatment (INDICATORS.md)",
        therapy_finished_course,
    ),
    Indicator(
        "therapy_recovery",
        "Talking Therapies recovery rate",
        "Courses that ended in the period after at least 2 treatment sessions and were at "
        "caseness (PHQ-9 >= 10 or GAD-7 >= 8) at the first session, recovered when not at "
        "caseness at the last. Courses missing either measure at the first or last session are "
        "left out. Anxiety-disorder-specific measures are not yet used.",
        "NHS Talking Therapies recovery rate (target 50%)",
        therapy_recovery,
    ),
    Indicator(
        "therapy_reliable_recovery",
        "Talking Therapies reliable recovery rate",
        "As the recovery rate, counting only courses that also reliably improved.",
        "NHS Talking Therapies reliable recovery (INSTRUMENTS.md)",
        therapy_reliable_recovery,
    ),
    Indicator(
        "therapy_reliable_improvement",
        "Talking Therapies reliable improvement rate",
        "Courses that ended in the period after at least 2 treatment sessions, with PHQ-9 and "
        "GAD-7 at the first and last: PHQ-9 fell by 6 or more or GAD-7 by 4 or more, and "
        "neither rose by that much.",
        "NHS Talking Therapies reliable improvement (INSTRUMENTS.md)",
        therapy_reliable_improvement,
    ),
    Indicator(
        "therapy_reliable_deterioration",
        "Talking Therapies reliable deterioration rate",
        "As reliable improvement's courses: PHQ-9 rose by 6 or more or GAD-7 by 4 or more.",
        "NHS Talking Therapies reliable deterioration (INSTRUMENTS.md)",
        therapy_reliable_deterioration,
        higher_is_better=False,
    ),
    *(
        Indicator(
            f"wait_therapy_{days // 7}_weeks",
            f"Talking Therapies treatment started within {days // 7} weeks of referral",
            "Courses finished in the period (at least 2 treatment sessions) whose first "
            f"treatment session was {days} days or less after the referral.",
            f"NHS Talking Therapies waiting time standard ({share} within {days // 7} weeks)",
            _waited_at_most(days),
        )
        for days, share in zip(WAIT_DAYS_THERAPY, ("75%", "95%"), strict=True)
    ),
    Indicator(
        "declined_without_route",
        "Referrals declined without an alternative route (no wrong door monitor; should be 0)",
        "Referrals declined in the period by the receiving service (the breakdown's service) "
        "that named no alternative route offered.",
        "PHE co-occurring conditions guidance, action 12 (local monitor)",
        declined_without_route,
        higher_is_better=False,
    ),
    Indicator(
        "declined_started_elsewhere",
        "Declined referrals after which the person started treatment elsewhere (no wrong door)",
        "Referrals declined in the period by the receiving service (the breakdown's service) "
        "after which the person started treatment at another service, on or after the decision "
        "and by the period's end. The records name the alternative route in free text, so "
        "treatment at any other service counts as taking it up.",
        "PHE-COOC action 12 (access criteria used to support people to get help, not to "
        "exclude); local monitor",
        declined_started_elsewhere,
    ),
    *(
        Indicator(
            f"not_suitable_{stage}_route",
            f"Not initially suitable for Talking Therapies: {title} (no wrong door)",
            "Assessments in the period that found the person not initially suitable for NHS "
            f"Talking Therapies, at the assessing service (the breakdown's service): {definition}",
            "IAPT-PPG ¶27-30 (not initially suitable comes with the route that is suitable); "
            "PHE-COOC action 12; local monitor",
            units,
        )
        for stage, title, definition, units in (
            (
                "offered",
                "offered the route that is suitable",
                "those for which the practitioner recorded an action on the alternative route's "
                "recommendations (offered, accepted, declined or referred) by the period's end.",
                _route_taken(("offered", "accepted", "declined", "referred")),
            ),
            (
                "accepted",
                "accepted the route",
                "those where the person accepted the alternative route, or was referred on it "
                "with their consent, by the period's end.",
                _route_taken(("accepted", "referred")),
            ),
            (
                "started",
                "in treatment on the route",
                "those where the person was in treatment at another service at some time from "
                "the assessment to the period's end (already in treatment counts: the route may "
                "be to continue it).",
                not_suitable_started_route,
            ),
        )
    ),
    Indicator(
        "named_coordinator",
        "People with co-occurring needs who have a named care coordinator",
        "People in drug and alcohol treatment in the period with a mental health need (as in "
        "co_occurring_in_treatment) who had a named coordinator at any time in the period.",
        "PHE co-occurring conditions guidance (local measure)",
        named_coordinator,
    ),
    Indicator(
        "care_plan_reviewed_on_time",
        "People with co-occurring needs whose care plan was reviewed on time",
        "People with co-occurring needs (as in named_coordinator) with a care plan review due in "
        "the period while they were in drug and alcohol treatment; on time when every such "
        "review has a newer version of the plan created on or before its due date.",
        "PHE-COOC App5 §3 (the care plan includes agreed review dates); local measure",
        care_plan_reviewed_on_time,
    ),
    Indicator(
        "crisis_plan",
        "People with co-occurring needs who have a crisis plan",
        "People with co-occurring needs (as in named_coordinator) whose latest care plan by the "
        "period's end includes a crisis plan; no care plan counts as no crisis plan.",
        "PHE-COOC App5 §3 (a plan to manage mental health crisis agreed with the person)",
        crisis_plan,
    ),
    Indicator(
        "consent_coverage",
        "People with co-occurring needs who consent to share with another service",
        "People with co-occurring needs (as in named_coordinator) whose latest decision by the "
        "period's end, for at least one service other than the one treating them, is consent "
        "given to share information.",
        "UK-ALC 2.2.4 (information shared with the person's consent); PHE-COOC (one shared, "
        "multi-agency care plan); local measure",
        consent_coverage,
    ),
    Indicator(
        "check_ups_done",
        "Recovery check-ups done",
        "Recovery check-ups after treatment due in the period that were done by its end.",
        "UK-ALC 2.6.5 (recovery check-ups after leaving treatment); local measure",
        check_ups_done,
    ),
    Indicator(
        "living_with_children",
        "Adults in drug and alcohol treatment living with children (hidden harm)",
        "People in drug and alcohol treatment in the period (as co_occurring_in_treatment) with "
        "at least one child recorded as living with them.",
        'DS-BRIC "safeguard children" (Hidden Harm: record clients\' children); PHE-COOC '
        "action 7 (people living with children)",
        living_with_children,
        _SUBSTANCE,
    ),
    Indicator(
        "children_safeguarding_known",
        "Children living with adults in treatment whose safeguarding status is recorded",
        "People in drug and alcohol treatment in the period living with children, whose every "
        "child living with them has a safeguarding status recorded (none, child in need, child "
        "protection or looked after; not 'not known').",
        'DS-BRIC "safeguard children" (Hidden Harm recommendations); local measure',
        children_safeguarding_known,
        _SUBSTANCE,
    ),
)
BY_ID = {indicator.id: indicator for indicator in REGISTRY}
