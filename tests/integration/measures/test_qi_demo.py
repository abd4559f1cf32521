"""The QI lead in the demo: every built-in measure page renders with a chart or a plain
"no data" sentence, the teams' notes are on the charts, and no page or CSV shows a count
from 1 to the threshold (counts are marked with data-count in pages)."""

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
