"""The coproduction cycle end to end, as the people do it, in a real browser:

1. co-assess: on a phone the patient writes an agenda for the next visit; the clinician
   reads it in the pre-visit summary and opens the shared screen, where it is shown;
2. co-decide: in the visit they record a decision from a reviewed option set, with what
   matters most to the patient in order, and the choice;
3. co-design: the clinician adds a task for the patient (every day) and one for the carer;
   the shared screen and the care plan show both, with who does each;
4. co-deliver: the patient ticks the task off on their phone; the carer ticks off theirs and
   logs a self-dialysis session, which the nurse countersigns without retyping it; the
   pre-visit summary then shows the task as done.

axe finds no WCAG 2.2 AA violations on the pages people use, nothing is wider than a 360 px
phone, and the browser reports no Content-Security-Policy violation.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from coproduce.core.clock import today
from coproduce.decisions.models import SharedDecision
from coproduce.observations.models import Observation
from coproduce.skills.models import SessionReview
from coproduce.tasks.models import Task, TaskCompletion
from tests import factories
from tests.factories_visits import upcoming_visit_for
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations

pytestmark = pytest.mark.django_db(transaction=True)

PATIENT_TASK = "Weigh yourself before each session"
CARER_TASK = "Collect the dialysis supplies"


def fits_a_phone(tab) -> bool:
    return tab.page.evaluate("document.documentElement.scrollWidth") <= 360


def switch_person(tab, user) -> None:
    """The same phone handed to someone else: their own log-in."""
    tab.page.context.clear_cookies()
    log_in(tab, user)


def test_a_visit_is_prepared_held_and_followed_through_together(phone_tab, tab, browser_cast):
    patient, clinician, nurse = browser_cast.patient, browser_cast.clinician, browser_cast.nurse
    factories.make_enrolment(patient=patient, programme=factories.load_programme("kidney-dialysis"))
    carer = factories.make_user(
        role="carer", network=browser_cast.network, password=factories.PASSWORD
    )
    factories.make_carer_grant(
        patient=patient,
        carer=carer,
        granted_by=patient.user,
        scopes=frozenset({"view_reports", "report_for_patient", "care_plan"}),
    )
    visit = upcoming_visit_for(patient, clinician=clinician)
    phone, desk = phone_tab.page, tab.page

    # 1. Co-assess: the patient's agenda, read by the clinician and shown on the shared screen.
    log_in(phone_tab, patient.user)
    phone_tab.goto(reverse("patients:my_home"))
    phone.get_by_role("link", name="Write your agenda").click()
    phone.wait_for_load_state()
    phone.get_by_label("The most important thing").fill("I am tired after every session")
    phone.get_by_label("Your questions").fill("Could I dialyse at home?")
    phone.get_by_role("button", name="Save my agenda").click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("Your agenda was saved.")).to_be_visible()
    assert wcag_violations(phone_tab) == ""

    log_in(tab, clinician)
    summary_path = reverse(
        "visits:pre_visit_summary", kwargs={"patient_id": patient.pk, "visit_id": visit.pk}
    )
    tab.goto(summary_path)
    expect(desk.locator("ol.agenda-concerns li")).to_have_text(["“I am tired after every session”"])
    desk.get_by_role("link", name="Open the shared screen to look at together").click()
    desk.wait_for_load_state()
    expect(desk.locator("ol.shared-concerns li")).to_have_text(["“I am tired after every session”"])
    expect(desk.get_by_text("Could I dialyse at home?")).to_be_visible()
    expect(desk.get_by_role("navigation", name="Main")).to_have_count(0)
    assert wcag_violations(tab) == ""

    # 2. Co-decide: options side by side, what matters most in order, the choice.
    tab.goto(reverse("patients:patient_detail", kwargs={"patient_id": patient.pk}))
    desk.get_by_role("link", name="Shared decisions: record one, or see earlier ones").click()
    desk.get_by_role("link", name="Record a decision").click()
    desk.get_by_role("link", name="Which kind of dialysis fits my life best?").click()
    desk.wait_for_load_state()
    desk.get_by_label("What matters, number 1").fill("Feel less tired")
    desk.get_by_label("What matters, number 2").fill("Keep working at the garage")
    desk.get_by_role("button", name="Move up number 2").click()
    desk.wait_for_load_state()
    desk.get_by_label(f"{patient.user.display_name} (the patient)").check()
    desk.get_by_label("Haemodialysis at home", exact=True).check()
    desk.get_by_label("The reasons, in the patient's words").fill("I can dialyse after work.")
    later = (today() + dt.timedelta(days=90)).isoformat()
    desk.get_by_label("When to look again at whether it is working").fill(later)
    desk.get_by_role("button", name="Save decision").click()
    desk.wait_for_load_state()
    expect(desk.get_by_text("Chosen: Haemodialysis at home")).to_be_visible()
    decision = SharedDecision.objects.get(patient=patient)
    assert decision.priorities == ["Keep working at the garage", "Feel less tired"]

    # 3. Co-design: a task for the patient and one for the carer.
    tab.goto(reverse("tasks:task_create", kwargs={"patient_id": patient.pk}))
    desk.get_by_label("What to do").fill(PATIENT_TASK)
    desk.get_by_label("The patient").check()
    desk.get_by_label("Every day").check()
    desk.get_by_role("button", name="Save task").click()
    desk.wait_for_load_state()
    expect(desk.get_by_text("The task was added to the care plan.")).to_be_visible()
    tab.goto(reverse("tasks:task_create", kwargs={"patient_id": patient.pk}))
    desk.get_by_label("What to do").fill(CARER_TASK)
    desk.get_by_label("A carer").check()
    desk.get_by_label("Which carer or clinician").select_option(
        label=f"{carer.display_name} (carer)"
    )
    desk.get_by_label("Once, by a date").check()
    desk.get_by_label("Due by").fill((today() + dt.timedelta(days=3)).isoformat())
    desk.get_by_role("button", name="Save task").click()
    desk.wait_for_load_state()
    expect(desk.get_by_text("The task was added to the care plan.")).to_be_visible()
    assert wcag_violations(tab) == ""
    tab.goto(
        reverse("visits:shared_screen", kwargs={"patient_id": patient.pk, "visit_id": visit.pk})
    )
    tasks = desk.locator("#tasks")
    expect(tasks.get_by_text(PATIENT_TASK)).to_be_visible()
    expect(tasks.get_by_text(CARER_TASK)).to_be_visible()
    expect(tasks).to_contain_text(carer.display_name)
    tab.goto(reverse("careplans:care_plan", kwargs={"patient_id": patient.pk}))
    expect(desk.locator(".plan-tasks")).to_contain_text(PATIENT_TASK)
    expect(desk.locator(".plan-tasks")).to_contain_text(CARER_TASK)

    # 4. Co-deliver: the patient ticks off today's weighing on their phone.
    phone_tab.goto(reverse("patients:my_home"))
    phone.get_by_role("link", name="My tasks").first.click()
    phone.wait_for_load_state()
    assert wcag_violations(phone_tab) == ""
    weigh = Task.objects.get(title=PATIENT_TASK)
    phone.locator(f"#task-{weigh.pk}").get_by_role(
        "button", name=re.compile(rf"^Done\W+{PATIENT_TASK}$")
    ).click()
    expect(phone.locator(f"#task-{weigh.pk}").get_by_text("Done today")).to_be_visible()
    assert TaskCompletion.objects.filter(task=weigh, undone_at__isnull=True).count() == 1
    assert fits_a_phone(phone_tab)

    # The carer ticks off their task, then logs a home dialysis session.
    switch_person(phone_tab, carer)
    phone_tab.goto(reverse("tasks:task_list", kwargs={"patient_id": patient.pk}))
    supplies = Task.objects.get(title=CARER_TASK)
    phone.locator(f"#task-{supplies.pk}").get_by_role(
        "button", name=re.compile(rf"^Done\W+{CARER_TASK}$")
    ).click()
    expect(
        phone.locator(f"#task-{supplies.pk}").get_by_role("button", name=re.compile("^Undo"))
    ).to_be_visible()
    assert TaskCompletion.objects.get(task=supplies).done_by == carer
    assert wcag_violations(phone_tab) == ""
    phone_tab.goto(reverse("observations:dialysis_session_add", kwargs={"patient_id": patient.pk}))
    phone.get_by_label("When did the session start?").fill(
        phone.evaluate(
            "(() => { const d = new Date(Date.now() - 5 * 3600e3);"
            " return d.toISOString().slice(0, 16); })()"
        )
    )
    phone.get_by_label("Weight before").fill("72.4")
    phone.get_by_label("Weight after").fill("70.3")
    phone.get_by_label("Fluid removed (ultrafiltration)").fill("2300")
    phone.get_by_role("button", name="Save session").click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("2.1 kg less")).to_be_visible()
    recorded = list(Observation.objects.filter(patient=patient).values_list("pk", "value_quantity"))

    # The nurse countersigns the carer's record as it is: the record is not typed again.
    switch_person(phone_tab, nurse)
    phone_tab.goto(reverse("skills:countersign_queue"))
    phone.get_by_role("link", name=f"{patient.full_name}: session on").click()
    phone.wait_for_load_state()
    phone.get_by_label("Countersign: the record is right").check()
    phone.get_by_role("button", name="Save review").click()
    phone.wait_for_load_state()
    expect(phone.get_by_text("No sessions are waiting for your countersignature.")).to_be_visible()
    assert SessionReview.objects.get().clinician == nurse
    assert (
        list(Observation.objects.filter(patient=patient).values_list("pk", "value_quantity"))
        == recorded
    )
    assert fits_a_phone(phone_tab)

    # Back in the pre-visit summary, the clinician sees what was done.
    tab.goto(summary_path)
    expect(desk.locator(".task-summary-done")).to_contain_text(f"Done: {PATIENT_TASK}")
    assert wcag_violations(tab) == ""
    assert phone_tab.csp_violations == []
    assert tab.csp_violations == []
