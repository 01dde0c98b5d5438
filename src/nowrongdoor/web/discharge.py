"""Episode pages: the steps of an episode of care, discharge with the App5 §6 checklist, and
the recovery check-ups that follow treatment."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from nowrongdoor.errors import InputError
from nowrongdoor.records.care.models import DischargeType, EpisodeOfCare, EpisodeStatus
from nowrongdoor.records.coordination.models import DISCHARGE_CHECKLIST, Discharge
from nowrongdoor.services import episodes
from nowrongdoor.services.actor import Actor
from nowrongdoor.services.people import read_person
from nowrongdoor.web.forms import FORM, Form
from nowrongdoor.web.pages import actor_of, signed_in
from nowrongdoor.web.typed import a_date, today

CHECKLIST = {
    "housing_support": "Housing support is in place or arranged",
    "safety_plan_and_how_to_get_back_in_touch": (
        "A safety plan is agreed, and the person knows how to get back in touch"
    ),
    "crisis_and_contingency_plan_including_suicide_and_overdose_risk": (
        "A crisis and contingency plan is agreed, covering suicide and overdose risk"
    ),
    "information_shared_with_receiving_service": (
        "Information is shared with the service the person moves to"
    ),
}
KIND_WORDS: dict[str, str] = {
    DischargeType.PLANNED: "Planned: treatment finished or an agreed ending",
    DischargeType.UNPLANNED: "Unplanned: for example, the person stopped coming",
    DischargeType.TRANSFER: "Transfer: care continues at another service",
    DischargeType.DIED: "Died while in treatment",
    DischargeType.PRISON: "Went into custody: care continues at the prison's service",
    DischargeType.RELEASED: "Released from prison (a prison service only)",
}
KINDS = [(value, KIND_WORDS.get(value, label)) for value, label in DischargeType.choices]
NOT_DONE = "Not done: tick it when it is done, or say below why the checklist is not complete"
STEPS = {  # the date field each step takes, as its use case names it
    "assessed": (episodes.mark_assessed, "Marked assessed"),
    "treatment_started": (episodes.start_treatment, "Treatment started"),
}


def _form(request: HttpRequest, start: dict[str, str]) -> Form:
    """What was posted, over the starting values of the page's other forms."""
    return Form({**start, **request.POST.dict()} if request.method == "POST" else start)


def _ours(actor: Actor, episode: EpisodeOfCare) -> bool:
    return actor.service is not None and episode.service_id == actor.service.pk


@signed_in
@require_http_methods(["GET", "POST"])
def episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    """The episode's dates, and a button for each step it can take next."""
    actor = actor_of(request)
    form = _form(request, dict.fromkeys(STEPS, today()))
    if request.method == "POST":
        step = form.value("step")
        if step not in STEPS:
            raise Http404("no such step")
        use_case, done = STEPS[step]
        if form.attempt(lambda: use_case(actor, episode_id, a_date(form, step)), {"episode": step}):
            messages.success(request, done)
            return redirect("web:episode", episode_id)
    found = episodes.read_episode(actor, episode_id)
    ours = _ours(actor, found) and found.active
    context = {
        "episode": found,
        "form": form,
        "can_assess": ours and found.status == EpisodeStatus.REFERRAL_RECEIVED,
        "can_treat": ours and found.status != EpisodeStatus.IN_TREATMENT,
        "can_discharge": ours,
        "record": Discharge.objects.filter(episode=found).first(),
        "checklist": CHECKLIST,
    }
    return render(
        request, "web/discharge/episode.jinja", context, status=422 if form.errors else 200
    )


def _discharge(actor: Actor, form: Form, episode_id: int) -> Discharge:
    """An item not done without a reason is shown beside that item, in plain words."""
    try:
        return episodes.discharge(
            actor,
            episode_id,
            a_date(form, "discharged"),
            form.value("kind"),
            form.value("reason"),
            {item: form.value(f"checklist.{item}") == "done" for item in DISCHARGE_CHECKLIST},
            form.value("incomplete_reason"),
        )
    except InputError as error:
        if error.field.startswith("checklist."):
            raise InputError(error.field, NOT_DONE) from None
        raise


@signed_in
@require_http_methods(["GET", "POST"])
def discharge(request: HttpRequest, episode_id: int) -> HttpResponse:
    """Discharge or transfer; only the episode's own service, while it is open."""
    actor = actor_of(request)
    found = episodes.read_episode(actor, episode_id)
    if not (_ours(actor, found) and found.active):
        raise Http404("not an open episode of this service")
    form = _form(request, {"discharged": today()})
    if request.method == "POST":
        record = form.attempt(lambda: _discharge(actor, form, episode_id), {"episode": FORM})
        if record is not None:
            messages.success(request, f"{found.person} discharged ({form.value('kind')})")
            return redirect("web:home")
    context = {
        "episode": found,
        "form": form,
        "checklist": [(f"checklist.{item}", CHECKLIST[item]) for item in DISCHARGE_CHECKLIST],
        "kinds": KINDS,
    }
    return render(
        request, "web/discharge/discharge.jinja", context, status=422 if form.errors else 200
    )


@signed_in
@require_http_methods(["GET", "POST"])
def check_ups(request: HttpRequest, person_id: int) -> HttpResponse:
    """Recovery check-ups due after treatment: mark one done, or schedule another."""
    actor = actor_of(request)
    person = read_person(actor, person_id)
    found = episodes.check_ups(actor, person_id)
    pending = [c for c in found if c.done is None]
    form = _form(request, {f"done.{c.pk}": today() for c in pending})
    if request.method == "POST":
        action = form.value("action")
        saved = None
        if action == "schedule":
            saved = form.attempt(
                lambda: episodes.schedule_check_up(actor, person_id, a_date(form, "due"))
            )
        elif action in {f"done.{c.pk}" for c in pending}:
            check_up = int(action.removeprefix("done."))
            saved = form.attempt(
                lambda: episodes.record_check_up_done(actor, check_up, a_date(form, action)),
                {"done": action, "check_up": action},
            )
        else:
            raise Http404("no such check-up")
        if saved is not None:
            messages.success(request, "Check-up saved")
            return redirect("web:check-ups", person_id)
    context = {"person": person, "check_ups": found, "form": form}
    return render(
        request, "web/discharge/check_ups.jinja", context, status=422 if form.errors else 200
    )
