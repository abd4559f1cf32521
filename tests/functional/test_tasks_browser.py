"""On a 360 px phone the patient ticks off today's weighing task with htmx (the card is
swapped, focus stays on its button, the status is announced) and undoes it; the overdue task
is first and said in words; the tick-off button is a big target; axe finds no WCAG 2.2 AA
violations; the strict CSP holds."""

from __future__ import annotations

import re

from django.urls import reverse

from coproduce.tasks.models import TaskCompletion
from tests.factories_tasks import patient_day, task_made
from tests.functional.conftest import log_in
from tests.functional.test_accessibility import wcag_violations

# The button says "Done" and, to a screen reader, which task (a visually hidden part).
DONE = re.compile(r"^Done\W+Weigh yourself before dialysis$")
UNDO = re.compile(r"^Undo\W+Weigh yourself before dialysis$")


def test_the_patient_ticks_off_a_task_on_a_phone_and_undoes_it(phone_tab, browser_cast):
    patient, nurse = browser_cast.patient, browser_cast.nurse
    weigh = task_made(nurse, patient, title="Weigh yourself before dialysis", frequency="daily")
    task_made(
        nurse,
        patient,
        made_days_ago=4,
        title="Book your blood test",
        due_on=patient_day(patient, -1),
    )
    page = phone_tab.page
    log_in(phone_tab, patient.user)
    phone_tab.goto(reverse("tasks:mine"))

    assert wcag_violations(phone_tab) == ""
    cards = page.locator("article.task-card")
    assert cards.first.get_by_role("heading").inner_text() == "Book your blood test"
    assert cards.first.get_by_text("Due yesterday, not done yet").is_visible()
    card = page.locator(f"#task-{weigh.pk}")
    done = card.get_by_role("button", name=DONE)
    box = done.bounding_box()
    assert box["height"] >= 48
    assert box["width"] >= 280  # nearly the whole width of a 360 px phone

    done.focus()
    page.keyboard.press("Enter")
    undo = page.locator(f"#task-{weigh.pk}").get_by_role("button", name=UNDO)
    undo.wait_for()
    assert page.locator(f"#task-{weigh.pk}").get_by_text("Done today").is_visible()
    assert (
        page.locator("#task-status").inner_text()
        == "Done: “Weigh yourself before dialysis” is ticked off."
    )
    assert page.evaluate("document.activeElement.id") == f"task-{weigh.pk}-button"
    assert TaskCompletion.objects.filter(task=weigh, undone_at__isnull=True).count() == 1
    assert wcag_violations(phone_tab) == ""

    undo.click()
    page.locator(f"#task-{weigh.pk}").get_by_role("button", name=DONE).wait_for()
    assert page.locator(f"#task-{weigh.pk}").get_by_text("Due today").is_visible()
    assert TaskCompletion.objects.filter(task=weigh, undone_at__isnull=True).count() == 0
    assert TaskCompletion.objects.filter(task=weigh, undone_at__isnull=False).count() == 1
    assert wcag_violations(phone_tab) == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_tab.csp_violations == []


def test_the_nurse_adds_a_weekly_task_after_an_error_on_a_phone(phone_tab, browser_cast):
    patient, nurse = browser_cast.patient, browser_cast.nurse
    page = phone_tab.page
    log_in(phone_tab, nurse)
    phone_tab.goto(reverse("tasks:task_create", kwargs={"patient_id": patient.pk}))
    assert wcag_violations(phone_tab) == ""

    page.get_by_role("button", name="Save task").click()
    page.wait_for_load_state()
    summary = page.get_by_role("alert")
    assert summary.get_by_role(
        "link", name="What to do: Write what to do in a few words."
    ).is_visible()
    assert wcag_violations(phone_tab) == ""

    page.get_by_label("What to do").fill("Weigh yourself before dialysis")
    page.get_by_label("Every week").check()
    for day in ("Monday", "Wednesday", "Friday"):
        page.get_by_label(day).check()
    page.get_by_role("button", name="Save task").click()
    page.wait_for_load_state()
    assert page.get_by_text("The task was added to the care plan.").is_visible()
    assert page.get_by_role("heading", name="Weigh yourself before dialysis").is_visible()
    assert wcag_violations(phone_tab) == ""
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone_tab.csp_violations == []
