"""The QI pages: the measure list, a measure's page, its CSV and SVG, annotations; per
role, with no count from 1 to the threshold anywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.core.clock import today
from coproduce.core.models import AuditEvent
from coproduce.measures import annotations, pages
from coproduce.measures.catalogues import built_in_measures
from coproduce.measures.models import MeasureAnnotation
from tests import factories
from tests.factories_measures import das28_history, months_back

pytestmark = pytest.mark.django_db
MEAN = "ra-das28-mean"
LOW = "ra-das28-low"
COUNT = re.compile(r'data-count="(\d+)"')


@pytest.fixture
def history(cast, settings):
    settings.COPRODUCE_SMALL_CELL_MAX = 10
    das28_history(cast.tree)
    return cast


def small_counts(html: str, threshold: int = 10) -> list[int]:
    return [int(n) for n in COUNT.findall(html) if 1 <= int(n) <= threshold]


def test_measure_list_shows_every_built_in_measure_with_status(history, verified_client):
    client = verified_client(history.qi_lead)
    response = client.get(reverse("measures:measure_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for definition in built_in_measures():
        assert f'data-measure="{definition.id}"' in html
    # 26 RA patients for 14 months: the mean has a network value and a status in words.
    row = html.split(f'data-measure="{MEAN}"')[1].split("</tr>")[0]
    assert "qi-sparkline" in row
    assert 'role="img"' in row
    assert re.search(r"Common cause only|Special cause: \w+", row)
    assert "No data yet" in html.split('data-measure="visit-agenda"')[1].split("</tr>")[0]


def test_measure_list_filters_by_kind(history, verified_client):
    client = verified_client(history.qi_lead)
    html = client.get(reverse("measures:measure_list"), {"kind": "overuse"}).content.decode()
    assert 'data-measure="overuse-cervical-screening-after-65"' in html
    assert f'data-measure="{MEAN}"' not in html


def test_measure_list_reads_with_a_fixed_number_of_queries(
    history, verified_client, django_assert_max_num_queries
):
    client = verified_client(history.qi_lead)
    client.get(reverse("measures:measure_list"))
    with django_assert_max_num_queries(20):
        client.get(reverse("measures:measure_list"))


def test_measure_page_draws_the_chart_and_its_table(history, verified_client):
    client = verified_client(history.clinician)
    response = client.get(reverse("measures:measure_detail", args=[MEAN]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="qi-chart"' in html
    assert "qi-centre" in html
    assert "qi-limits" in html
    assert html.count("<tr>") >= 14  # one row per month and the header
    assert not small_counts(html)


def test_unit_against_network_draws_both_lines(history, verified_client):
    client = verified_client(history.qi_lead)
    unit = history.tree.units[0]
    html = client.get(
        reverse("measures:measure_detail", args=[MEAN]),
        {"org": f"unit-{unit.pk}", "compare": "1"},
    ).content.decode()
    assert "Network (all units)" in html
    assert 'class="qi-line"' in html
    assert 'class="qi-series"' in html


def test_unit_without_data_says_so_in_words(history, verified_client):
    client = verified_client(history.qi_lead)
    empty = history.tree.units[2]
    html = client.get(
        reverse("measures:measure_detail", args=[MEAN]), {"org": f"unit-{empty.pk}"}
    ).content.decode()
    assert "There is no data for this measure in" in html
    assert 'id="qi-main-title"' not in html


def test_another_networks_unit_is_refused(history, verified_client):
    other = factories.make_network(regions=1, units=1)
    client = verified_client(history.qi_lead)
    response = client.get(
        reverse("measures:measure_detail", args=[MEAN]), {"org": f"unit-{other.units[0].pk}"}
    )
    assert response.status_code == 403


def test_another_networks_qi_lead_sees_nothing_of_this_network(history, verified_client):
    other = factories.make_network(regions=1, units=1)
    stranger = factories.make_user(role=Role.QI_LEAD, network=other.network)
    client = verified_client(stranger)
    unit = history.tree.units[0]
    response = client.get(
        reverse("measures:measure_detail", args=[MEAN]), {"org": f"unit-{unit.pk}"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["patient", "carer"])
def test_patients_and_carers_are_refused(history, verified_client, who):
    client = verified_client(getattr(history, who) if who == "carer" else history.patient.user)
    for name in ("measure_list",):
        assert client.get(reverse(f"measures:{name}")).status_code == 403
    assert client.get(reverse("measures:measure_detail", args=[MEAN])).status_code == 403


def test_csv_equals_the_table_and_holds_no_small_count(history, verified_client):
    client = verified_client(history.qi_lead)
    unit = history.tree.units[1]  # 12 patients: every count is above 10, except hidden ones
    params = {"org": f"unit-{unit.pk}"}
    page_html = client.get(reverse("measures:measure_detail", args=[LOW]), params)
    response = client.get(reverse("measures:measure_csv", args=[LOW]), params)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Period", "Numerator", "Denominator"]
    table_counts = COUNT.findall(page_html.content.decode())
    csv_counts = [c for row in body for c in row[1:3] if c != "hidden"]
    assert csv_counts == table_counts
    assert len(body) == 14
    for row in body:
        for cell in row[1:3]:
            assert cell == "hidden" or not 1 <= int(cell) <= 10
    # 4 of 12 are above 3.2: 8 low, 4 not low, so the numerator (and its rate) is hidden.
    assert all(row[1] == "hidden" and row[3] == "hidden" for row in body)


def test_svg_download_is_an_svg_of_the_chart(history, verified_client):
    client = verified_client(history.qi_lead)
    response = client.get(reverse("measures:measure_svg", args=[MEAN]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("<?xml")
    assert "<svg" in body
    assert "style=" not in body
    root = ElementTree.fromstring(body.encode())  # noqa: S314 - our own response
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert AuditEvent.objects.filter(actor=history.qi_lead, action="export").count() == 1


def test_annotation_is_added_with_an_audit_event(history):
    note = annotations.annotation_add(
        actor=history.qi_lead,
        measure_id=MEAN,
        unit=history.tree.units[0],
        on_date=today() - dt.timedelta(days=100),
        text="Coproduction dashboards introduced",
    )
    event = AuditEvent.objects.get(entity_type="MeasureAnnotation", entity_id=str(note.pk))
    assert event.actor == history.qi_lead
    assert event.action == "create"


def test_annotation_in_the_future_or_empty_is_refused_with_field_errors(history, verified_client):
    client = verified_client(history.qi_lead)
    response = client.post(
        reverse("measures:annotation_add", args=[MEAN]),
        {
            "scope": "this",
            "where": "network",
            "on_date": (today() + dt.timedelta(days=3)).isoformat(),
            "text": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_on_date_error"' in html
    assert "cannot be in the future" in html
    assert 'id="id_text_error"' in html
    assert 'href="#id_text"' in html
    assert not MeasureAnnotation.objects.exists()


def test_annotation_form_adds_and_returns_to_the_chart(history, verified_client):
    client = verified_client(history.qi_lead)
    day = months_back()[6]
    response = client.post(
        reverse("measures:annotation_add", args=[MEAN]),
        {"scope": "this", "where": "network", "on_date": day.isoformat(), "text": "New clinic"},
    )
    assert response.status_code == 302
    html = client.get(reverse("measures:measure_detail", args=[MEAN])).content.decode()
    assert "New clinic" in html
    assert 'class="qi-annotation"' in html


def test_clinician_may_annotate_only_their_own_unit(history):
    with pytest.raises(PermissionDenied):
        annotations.annotation_add(
            actor=history.clinician,
            measure_id=MEAN,
            unit=None,
            on_date=today(),
            text="Network change",
        )
    with pytest.raises(PermissionDenied):
        annotations.annotation_add(
            actor=history.clinician,
            measure_id=MEAN,
            unit=history.tree.units[1],
            on_date=today(),
            text="Not my unit",
        )
    own = annotations.annotation_add(
        actor=history.clinician,
        measure_id=MEAN,
        unit=history.tree.units[0],
        on_date=today(),
        text="Our new clinic",
    )
    assert own.unit == history.tree.units[0]


def test_phases_split_at_an_annotation(history, monkeypatch):
    months = months_back()
    annotations.annotation_add(
        actor=history.qi_lead,
        measure_id=MEAN,
        unit=None,
        on_date=months[8] + dt.timedelta(days=10),
        text="Dashboards introduced",
    )
    seen = {}
    real = pages.qic

    def recording_qic(*args, **kwargs):
        seen.setdefault("part", kwargs.get("part"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "qic", recording_qic)
    definition = next(d for d in built_in_measures() if d.id == MEAN)
    page = pages.measure_page(
        history.qi_lead,
        definition,
        choice="network",
        chart_type="i",
        compare=False,
        phases=True,
        stratum="",
    )
    # Mid-month 9: months 1-9 are the first phase, 10-14 the second.
    assert seen["part"] == [9]
    assert page.breaks == [9]
    assert [row["part"] for row in page.rows] == [1] * 9 + [2] * 5
    assert page.main.phase_d


def test_equity_view_hides_small_strata_and_computes_the_gap_from_shown(history, verified_client):
    client = verified_client(history.qi_lead)
    html = client.get(
        reverse("measures:measure_detail", args=[MEAN]), {"stratum": "sex"}
    ).content.decode()
    assert "Equity view" in html
    assert 'id="qi-equity-title"' in html
    assert 'id="qi-gap-title"' in html
    assert not small_counts(html)


def test_small_multiples_draw_one_chart_per_unit_on_one_scale(history):
    definition = next(d for d in built_in_measures() if d.id == MEAN)
    page = pages.measure_page(
        history.qi_lead,
        definition,
        choice="network",
        chart_type="i",
        compare=False,
        phases=False,
        stratum="",
    )
    charts = [chart for _unit, chart in page.multiples]
    assert len(charts) == 3
    drawn = [c for c in charts if c is not None]
    assert len(drawn) == 2
    assert charts[2] is None
    assert {(c.value_low, c.value_high) for c in drawn} == {
        (drawn[0].value_low, drawn[0].value_high)
    }


def test_staff_outside_any_network_are_refused(history, verified_client):
    lone = factories.make_user(role=Role.QI_LEAD, network=None)
    client = verified_client(lone)
    assert client.get(reverse("measures:measure_list")).status_code == 403
    assert client.get(reverse("measures:measure_detail", args=[MEAN])).status_code == 403
