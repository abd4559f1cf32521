"""The QI lead in the demo (issue 7, "Done when"): every built-in measure has a chart with
values shown for the network, the unit comparison and an equity view with a group shown;
the teams' notes are on the charts; and no page or CSV shows a count from 1 to the
threshold (counts are marked with data-count in pages). The registry cohort
(coproduce/seed/demo.py) makes the counts large enough to show."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.measures.catalogues import built_in_measures
from coproduce.measures.demo import DEMO_NOTES
from coproduce.measures.models import MeasureAnnotation, MeasureRollup
from coproduce.measures.thresholds import small_cell_max
from coproduce.network.models import Unit
from coproduce.seed import demo

END = dt.date(2026, 3, 1)
COUNT = re.compile(r'data-count="(\d+)"')
ROW = re.compile(r'<tr>\s*<th scope="row">[^<]*</th>(.*?)</tr>', re.S)
VALUE = re.compile(r'<td class="value">([^<]*)')
DIMENSIONS = ("sex", "age-band", "deprivation", "language", "ethnicity")


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        demo.demo_create(end_date=END)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def lead_client(demo_loaded, db, verified_client):
    return verified_client(User.objects.get(username="qilead"))


def small(counts, threshold):
    return [n for n in counts if 1 <= int(n) <= threshold]


def test_demo_has_rollups_and_the_teams_notes(demo_loaded, db):
    assert MeasureRollup.objects.exists()
    texts = set(MeasureAnnotation.objects.values_list("text", flat=True))
    assert "Coproduction dashboards introduced" in texts
    assert MeasureAnnotation.objects.count() == len(DEMO_NOTES)


def test_every_measure_page_has_a_chart_or_says_there_is_no_data(lead_client):
    threshold = small_cell_max()
    riverside = Unit.objects.get(name="Riverside Health Centre")
    for definition in built_in_measures():
        url = reverse("measures:measure_detail", args=[definition.id])
        for params in (
            {},
            {"org": f"unit-{riverside.pk}", "compare": "1", "phases": "1"},
            {"stratum": "deprivation"},
        ):
            response = lead_client.get(url, params)
            assert response.status_code == 200, (definition.id, params)
            html = response.content.decode()
            assert 'id="qi-main-title"' in html or "data-no-data" in html, definition.id
            assert small(COUNT.findall(html), threshold) == [], (definition.id, params)
        csv_text = lead_client.get(
            reverse("measures:measure_csv", args=[definition.id])
        ).content.decode()
        for row in list(csv.reader(io.StringIO(csv_text)))[1:]:
            counts = row[1:3] if definition.is_proportion else row[1:2]
            assert small([c for c in counts if c != "hidden"], threshold) == [], definition.id


def test_demo_measure_list_shows_every_measure(lead_client):
    html = lead_client.get(reverse("measures:measure_list")).content.decode()
    for definition in built_in_measures():
        assert f'data-measure="{definition.id}"' in html


def test_riverside_chart_marks_its_dashboards_note(lead_client):
    riverside = Unit.objects.get(name="Riverside Health Centre")
    html = lead_client.get(
        reverse("measures:measure_detail", args=["ra-das28-mean"]),
        {"org": f"unit-{riverside.pk}"},
    ).content.decode()
    assert "Coproduction dashboards introduced" in html


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def shown_values(table_html: str, *, drop_last: bool = False) -> list[str]:
    """The value cells of a data table that are shown (not "hidden", not a dash)."""
    shown = []
    for row in ROW.findall(table_html):
        values = VALUE.findall(row)
        # The equity table ends with the gap; the chart table's first value is the value
        # (the centre line and limits follow).
        values = values[:-1] if drop_last else values[:1]
        shown += [v.strip() for v in values if v.strip()[:1].isdigit()]
    return shown


def page(client, measure_id: str, **params) -> str:
    response = client.get(reverse("measures:measure_detail", args=[measure_id]), params)
    assert response.status_code == 200, (measure_id, params)
    return response.content.decode()


def test_every_measure_shows_network_values_a_unit_comparison_and_an_equity_group(
    lead_client,
):
    threshold = small_cell_max()
    northfield = Unit.objects.get(name="Northfield Hospital")
    for definition in built_in_measures():
        network = page(lead_client, definition.id)
        chart = section(network, "chart-heading")
        assert 'class="qi-series"' in chart, definition.id
        assert shown_values(chart), definition.id
        # The notes are drawn on the chart and listed under it.
        assert 'class="qi-annotation"' in chart, definition.id
        assert "Network quality collaborative started" in network
        # Unit comparison: every unit on the same scale, and a unit beside its network.
        multiples = section(network, "units-heading")
        charts = multiples.count('class="qi-chart"')
        assert charts >= 2, definition.id  # the two hospitals run every programme
        assert charts + multiples.count("data-no-data") == 4, definition.id
        unit = page(lead_client, definition.id, org=f"unit-{northfield.pk}", compare="1")
        assert 'class="qi-line"' in section(unit, "chart-heading"), definition.id
        assert small(COUNT.findall(unit), threshold) == [], definition.id
        # Equity: at least one breakdown shows a value for at least one group.
        groups_shown = {}
        for dimension in DIMENSIONS:
            html = page(lead_client, definition.id, stratum=dimension)
            assert small(COUNT.findall(html), threshold) == [], (definition.id, dimension)
            groups_shown[dimension] = shown_values(section(html, "equity-heading"), drop_last=True)
        assert any(groups_shown.values()), definition.id


def test_outcome_and_process_measures_show_recent_values_for_each_unit_running_them(
    lead_client,
):
    """Units show their own values in the latest complete periods for the measures their
    size allows (the quarterly depression and cervical-screening measures are shown for
    the network only: a unit has too few people in a quarter)."""
    network_only = {"depression-phq9-response-6m", "overuse-cervical-screening-after-65"}
    units = Unit.objects.filter(region__network__slug=demo.DEMO_SLUG)
    for definition in built_in_measures():
        if definition.id in network_only:
            continue
        for unit in units:
            html = page(lead_client, definition.id, org=f"unit-{unit.pk}")
            if "data-no-data" in section(html, "chart-heading"):
                continue  # a practice runs no specialist programme
            table = section(html, "chart-heading")
            rows = ROW.findall(table)
            recent = [VALUE.findall(r)[0].strip() for r in rows[-4:-1]]  # not the open one
            assert any(v[:1].isdigit() for v in recent), (definition.id, unit.name, recent)
