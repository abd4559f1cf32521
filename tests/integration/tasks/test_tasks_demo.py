"""The demo's care-plan tasks: the patient weighs himself before each session (most ticked,
two missed), a blood test is overdue, his carer orders supplies, his nurse has a check to do;
and building them twice adds nothing."""

from coproduce.core.clock import today
from coproduce.patients.selectors import patient_for_user
from coproduce.tasks import selectors
from coproduce.tasks.demo import MISSED_SESSIONS, demo_tasks_create
from coproduce.tasks.models import Task
from tests.factories_tasks import patient_day, planning_carer


def test_the_demo_patient_has_a_task_for_each_owner_with_ticks_and_misses(cast):
    carer = planning_carer(cast.patient)
    story = {"patient": cast.patient, "carer": carer, "child": cast.child, "end_date": today()}

    assert demo_tasks_create(**story, nurse=cast.nurse) == 5
    assert demo_tasks_create(**story, nurse=cast.nurse) == 0

    assert Task.objects.filter(patient=cast.patient).count() == 5
    owners = set(Task.objects.values_list("owner_kind", "owner_user"))
    assert owners == {("patient", None), ("carer", carer.pk), ("clinician", cast.nurse.pk)}
    views = {
        v.title: v
        for v in selectors.tasks_for(patient_for_user(cast.patient.user, cast.patient.pk))
    }
    weigh = views["Weigh yourself before each home dialysis session"]
    assert len(weigh.missed) == len(MISSED_SESSIONS)
    assert views["Book your blood test at the GP surgery"].state == (
        "Due on " + patient_day(cast.patient, -2).strftime("%A %-d %B %Y") + ", not done yet"
    )
    counts = selectors.overdue_task_counts([cast.patient.pk], patient_day(cast.patient))
    assert counts == {cast.patient.pk: 1 + len(MISSED_SESSIONS)}
    summary = selectors.task_summary_between(
        patient_for_user(cast.nurse, cast.patient.pk),
        patient_day(cast.patient, -14),
        patient_day(cast.patient),
    )
    assert len(summary.done) >= 4
    assert {d.title for d in summary.missed} == {
        "Weigh yourself before each home dialysis session",
        "Book your blood test at the GP surgery",
    }
