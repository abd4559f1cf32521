"""SPC for one patient on the dashboard (issue 7, item 6): the patient's own PHQ-9 series
gets an I chart; a shift is told as a real change in the patient's words and as a special
cause in the clinician's; noise is "no more than usual"; too few values say so; a carer
reads everyday words, and a carer's own reports get no I chart."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests import factories
from tests.factories_careplans import PHQ9_TOTAL
from tests.factories_shared_screen import care_plan_carer
from tests.factories_visits import upcoming_visit_for
from tests.integration.careplans.test_dashboard_views import record, url

pytestmark = pytest.mark.django_db

# Twelve weekly totals around 15, then eight around 8 (the newest 2 days ago).
SHIFT = [15, 16, 14, 15, 16, 14, 15, 16, 14, 15, 16, 14, 8, 9, 7, 8, 9, 7, 8, 8]
NOISE = [10, 12, 11, 13, 10, 12, 11, 13, 10, 12, 11, 13]


def history(patient, values) -> None:
    programme = factories.load_programme("depression-anxiety")
    factories.make_enrolment(patient=patient, programme=programme, days_ago=400)
    for weeks_back, value in enumerate(reversed(values)):
        record(patient, PHQ9_TOTAL, value, days_ago=2 + 7 * weeks_back)


def own_section(html: str) -> str:
    return html.split('id="own-heading"', 1)[1].split("What a carer reported", 1)[0]


def test_a_patient_with_a_shift_reads_that_it_looks_like_a_real_change(client, cast):
    history(cast.patient, SHIFT)
    client.force_login(cast.patient.user)

    html = client.get(url(cast.patient)).content.decode()

    assert (
        "Your last 8 scores are all lower than your usual level: this looks like a real "
        "change, not everyday ups and downs. For this measure that is a change for the better."
    ) in html
    assert "Special cause" not in html
    # Drawn: centre line, limits, diamonds outside the range and squares for the run.
    assert 'class="chart-spc-centre"' in html
    assert 'class="chart-spc-limit"' in html
    assert 'class="chart-spc-outside"' in html
    assert 'class="chart-spc-run"' in html
    # Named in the legend and in the chart's text alternative, and marked in the table.
    assert "Diamond: a value outside the usual range" in html
    assert "Square: one of a long run of values on the same side of the usual level" in html
    assert "Dash-dot line: usual level, 12.2 (average of the last 20 values)." in html
    assert "<td>Below the usual range</td>" in html


def test_the_clinician_reads_the_same_shift_as_a_special_cause(verified_client, cast):
    history(cast.patient, SHIFT)

    html = verified_client(cast.clinician).get(url(cast.patient)).content.decode()

    assert "SPC (I chart):" in html
    assert "Special cause: 8 points in a row below the centre line," in html
    assert "(runs signal); 10 points outside the control limits" in html
    assert "An improvement for this measure." in html
    assert "Diamond: a point outside the control limits" in html
    assert "<td>Below the lower control limit</td>" in html
    assert "Your last 8 scores" not in html


def test_noise_is_no_more_than_usual(client, verified_client, cast):
    history(cast.patient, NOISE)
    client.force_login(cast.patient.user)

    html = client.get(url(cast.patient)).content.decode()

    assert "Your scores go up and down, but no more than usual." in html
    assert 'class="chart-spc-centre"' in html
    assert 'class="chart-spc-outside"' not in html
    assert 'class="chart-spc-run"' not in html
    clinician = verified_client(cast.clinician).get(url(cast.patient)).content.decode()
    assert "Common-cause variation only. I chart of the last 12 values" in clinician


def test_too_few_values_say_how_many_are_needed_and_draw_no_lines(client, cast):
    history(cast.patient, NOISE[:7])
    client.force_login(cast.patient.user)

    html = client.get(url(cast.patient)).content.decode()

    assert (
        "Too few values to tell a real change from everyday ups and downs yet "
        "(12 needed, 7 so far)."
    ) in html
    assert "chart-spc" not in html
    assert "Compared with usual" not in html


def test_the_i_chart_uses_only_the_values_of_the_period_shown(verified_client, cast):
    history(cast.patient, SHIFT)  # weekly, the newest 2 days ago: 13 in the last 91 days
    client = verified_client(cast.clinician)

    year = client.get(url(cast.patient, period="1y")).content.decode()
    months = client.get(url(cast.patient, period="3m")).content.decode()

    assert "I chart of the last 20 values" in year
    assert "I chart of the last 13 values" in months


def test_a_carer_reads_everyday_words_and_their_own_reports_get_no_i_chart(client, cast):
    history(cast.patient, SHIFT)
    for days in range(1, 15):
        record(cast.patient, PHQ9_TOTAL, 20, days_ago=days, source="carer", actor=cast.carer)
    client.force_login(cast.carer)

    html = client.get(url(cast.patient)).content.decode()

    own = own_section(html)
    assert "The last 8 scores are all lower than the usual level: this looks like a real" in own
    assert "Special cause" not in html
    carer = html.split("What a carer reported", 1)[1]
    assert "chart-spc" not in carer
    assert "everyday ups and downs" not in re.sub(r"<svg.*?</svg>", "", carer, flags=re.S)


def test_the_shared_screen_tells_the_clinician_and_a_carer_in_their_own_words(
    verified_client, cast
):
    history(cast.patient, SHIFT)  # PHQ-9 is a measure of the programme: charted there too
    visit = upcoming_visit_for(cast.patient, clinician=cast.clinician)
    screen = reverse(
        "visits:shared_screen", kwargs={"patient_id": cast.patient.pk, "visit_id": visit.pk}
    )

    clinician = verified_client(cast.clinician).get(screen).content.decode()
    carer = verified_client(care_plan_carer(cast)).get(screen).content.decode()

    assert "Special cause: 8 points in a row below the centre line" in clinician
    assert 'class="chart-spc-run"' in clinician
    assert "The last 8 scores are all lower than the usual level" in carer
    assert "Special cause" not in carer
