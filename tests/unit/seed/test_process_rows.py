"""The registry's process and experience rows (coproduce/seed/process.py): deterministic,
inside the history, valid for the models' constraints, better in better units, and
better after a unit's improvement starts."""

import dataclasses
import datetime as dt

import numpy as np
import pytest

from coproduce.seed.process import DAY, process_chunk
from coproduce.seed.registry import EPOCH, patient_chunk, registry_plan

END = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def generated():
    plan = registry_plan(patients=6000, seed=31, end_date=END, years=2, units=6)
    people = patient_chunk(plan, 0)
    return plan, people, process_chunk(plan, people, 0)


def test_same_plan_gives_identical_process_rows(generated):
    plan, _people, first = generated
    again = process_chunk(plan, patient_chunk(plan, 0), 0)
    for name in ("due", "visits", "alerts", "goals", "screening"):
        a, b = getattr(first, name), getattr(again, name)
        for field in dataclasses.fields(a):
            assert np.array_equal(getattr(a, field.name), getattr(b, field.name)), name


def test_process_rows_lie_inside_the_history_and_keep_the_constraints(generated):
    plan, _people, rows = generated
    start, end = plan.window_start_day * DAY, (plan.end_date - EPOCH).days * DAY
    due = rows.due
    assert due.completed.any()
    assert (~due.completed).any()
    assert start <= due.due_at.min()
    assert due.due_at.max() + 3 * DAY < end
    completed_at = due.completed_at[due.completed]
    opens, closes = due.due_at[due.completed] - 2 * DAY, due.due_at[due.completed] + 3 * DAY
    assert ((opens <= completed_at) & (completed_at <= closes)).all()
    # One report per patient and due time (the table's unique constraint).
    assert len(set(zip(due.patient.tolist(), due.due_at.tolist(), strict=True))) == len(due.due_at)
    visits = rows.visits
    assert not (visits.agenda & ~visits.done).any()
    assert not (visits.experience & ~visits.done).any()
    assert set(np.unique(visits.listened[visits.experience]).tolist()) <= {1, 2, 3, 4}
    alerts = rows.alerts
    assert (alerts.acknowledged_at > alerts.opened_at).all()
    assert alerts.acknowledged_at.max() + 3600 < end
    assert rows.goals.proposed_at.max() < end


def test_better_units_do_better_and_improving_units_improve(generated):
    plan, _people, rows = generated
    quality = np.array([u.quality for u in plan.units])
    due = rows.due
    completion = np.array(
        [due.completed[due.unit == u].mean() for u in range(len(plan.units))], dtype=float
    )
    best, worst = int(np.argmax(quality)), int(np.argmin(quality))
    assert completion[best] > completion[worst]
    improving = [
        i
        for i, u in enumerate(plan.units)
        if np.isfinite(u.improves_from) and (due.unit == i).any()
    ]
    assert improving, "the plan has a unit that improves"
    for i in improving:
        day = due.due_at / DAY - plan.window_start_day
        mine = due.unit == i
        before = due.completed[mine & (day < plan.units[i].improves_from)].mean()
        after = due.completed[mine & (day >= plan.units[i].improves_from)].mean()
        assert after > before + 0.05, plan.units[i].code
