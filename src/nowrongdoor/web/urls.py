from __future__ import annotations

from django.urls import path

from nowrongdoor.web import (
    assess,
    coordinate,
    dashboard,
    own_space,
    people,
    referrals,
    screen,
    views,
)

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in", views.sign_in, name="sign-in"),
    path("sign-out", views.sign_out, name="sign-out"),
    # Find a person, or add one after checking they are not already recorded.
    path("people/search", people.search, name="people-search"),
    path("people/new", people.add, name="person-new"),
    path("people/<int:person_id>", views.person, name="person"),
    # Ask: screening, here or by the person's own single-use link.
    path("people/<int:person_id>/screen", screen.choose, name="screen-choose"),
    path("people/<int:person_id>/screen/link", screen.make_link, name="screen-link"),
    path("people/<int:person_id>/screen/<slug:instrument>", screen.screen, name="screen"),
    path("answer/<str:token>", screen.self_complete, name="self-complete"),
    # Decide and act: assessment, recommendations, referrals.
    path("people/<int:person_id>/assess", assess.assess, name="assess"),
    path("assessments/<int:assessment_id>", assess.assessment, name="assessment"),
    path("people/<int:person_id>/refer", referrals.refer, name="refer"),
    path("referrals/<int:referral_id>", referrals.decide, name="referral"),
    # Coordinate: the named coordinator, the shared care plan, case notes.
    path("people/<int:person_id>/coordinator", coordinate.coordinator, name="coordinator"),
    path("people/<int:person_id>/care-plan", coordinate.care_plan, name="care-plan"),
    path("people/<int:person_id>/notes", coordinate.add_note, name="add-note"),
    path("goals/<int:goal_id>/review", coordinate.review_goal, name="review-goal"),
    # See: the area's figures, for commissioners and managers (never a person).
    path("dashboard", dashboard.dashboard, name="dashboard"),
    # The person's own space.
    path("me", own_space.me, name="me"),
    path("me/goals", own_space.add_goal, name="my-goal"),
    path("me/consent", own_space.share, name="my-consent"),
    path("me/record", own_space.my_record, name="my-record"),
    path("me/record.json", own_space.my_record_download, name="my-record-download"),
    path("me/questionnaires/<int:link_id>", screen.my_questionnaire, name="my-questionnaire"),
]

# Outcomes (TOP, Talking Therapies courses) and the end of an episode: discharge, check-ups.
from nowrongdoor.web import discharge, outcomes  # noqa: E402

urlpatterns += [
    path("people/<int:person_id>/outcomes", outcomes.overview, name="outcomes"),
    path("people/<int:person_id>/top", outcomes.top, name="top"),
    path("people/<int:person_id>/courses/start", outcomes.start_course, name="course-start"),
    path("courses/<int:course_id>", outcomes.course, name="course"),
    path("courses/<int:course_id>/end", outcomes.end_course, name="course-end"),
    path("episodes/<int:episode_id>", discharge.episode, name="episode"),
    path("episodes/<int:episode_id>/discharge", discharge.discharge, name="discharge"),
    path("people/<int:person_id>/check-ups", discharge.check_ups, name="check-ups"),
]
