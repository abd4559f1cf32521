"""A unit lead sets the unit's alert settings: office hours, open days, holidays, phone
numbers for patients and the next responder. Bad input is reported beside each field;
nobody but the unit's lead may open the page."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from coproduce.alerts.models import UnitAlertSettings
from coproduce.alerts.services import office_hours_of
from coproduce.alerts.unit_settings import unit_alert_settings_update
from coproduce.core.models import AuditEvent
from tests import factories
from tests.factories_alerts_settings import make_clinician, make_unit_lead, unit_settings_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_world():
    tree = factories.make_network()
    unit = tree.units[0]
    return {
        "tree": tree,
        "unit": unit,
        "lead": make_unit_lead(tree=tree, unit=unit),
        "nurse": make_clinician(tree=tree, unit=unit),
        "other_lead": make_unit_lead(tree=tree, unit=tree.units[1]),
        "outsider": make_clinician(tree=tree, unit=tree.units[1]),
    }


def url(unit) -> str:
    return reverse("alerts:unit_settings", kwargs={"unit_id": unit.pk})


def good_form(nurse, **changes) -> dict:
    return {
        "office_opens": "08:30",
        "office_closes": "17:00",
        "office_days": ["1", "2", "3", "4", "5", "6"],
        "holidays": "2026-12-25\n\n2026-12-28 \n",
        "phone": "+44 20 7946 0000",
        "out_of_hours_phone": "111",
        "next_responder": str(nurse.pk),
        **changes,
    }


def test_the_lead_sees_and_saves_the_settings(unit_world, verified_client):
    unit, lead, nurse = unit_world["unit"], unit_world["lead"], unit_world["nurse"]
    client = verified_client(lead)
    page = client.get(url(unit))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<legend>Days the office is open</legend>" in body
    assert f'<option value="{nurse.pk}">' in body  # a current member of the unit
    assert f'<option value="{unit_world["outsider"].pk}"' not in body  # another unit's

    response = client.post(url(unit), good_form(nurse))
    assert response.status_code == 302
    row = UnitAlertSettings.objects.get(unit=unit)
    assert (row.office_opens, row.office_closes) == (dt.time(8, 30), dt.time(17))
    assert row.office_days == [1, 2, 3, 4, 5, 6]
    assert row.holidays == ["2026-12-25", "2026-12-28"]
    assert (row.phone, row.out_of_hours_phone) == ("+44 20 7946 0000", "111")
    assert row.next_responder == nurse
    event = AuditEvent.objects.get(entity_type="UnitAlertSettings", entity_id=str(row.pk))
    assert event.actor == lead
    assert "next_responder_id" in event.detail["fields"]

    # The alert services now count office time in these hours.
    office = office_hours_of(unit.pk)
    assert office.opens == dt.time(8, 30)
    assert 6 in office.days
    assert dt.date(2026, 12, 25) in office.holidays

    # The page shows what was saved.
    again = client.get(url(unit)).content.decode()
    assert "2026-12-25\n2026-12-28" in again
    assert 'value="08:30"' in again


def test_errors_are_shown_beside_each_field_with_a_summary(unit_world, verified_client):
    unit, lead, nurse = unit_world["unit"], unit_world["lead"], unit_world["nurse"]
    client = verified_client(lead)
    response = client.post(
        url(unit),
        good_form(
            nurse,
            office_opens="18:00",
            office_closes="08:00",
            office_days=[],
            holidays="2026-12-25\n25/12/2026\n\n2026-02-30",
            phone="call reception",
            next_responder=str(unit_world["outsider"].pk),
        ),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "Choose at least one day the office is open." in form.errors["office_days"]
    assert any("Line 2" in e and "25/12/2026" in e for e in form.errors["holidays"])
    assert any("Line 4" in e for e in form.errors["holidays"])
    assert len(form.errors["holidays"]) == 2
    assert "Choose a clinician who works in this unit now." in form.errors["next_responder"]
    assert form.errors["office_closes"] == ["The office must close later than it opens."]
    assert "phone" in form.errors
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'href="#id_holidays"' in body
    assert 'href="#id_office_days_0"' in body  # a checkbox group: its first box
    assert 'id="id_office_days_error"' in body
    assert not UnitAlertSettings.objects.filter(unit=unit).exists()


def test_the_service_checks_the_values_and_the_actor_itself(unit_world):
    unit, lead, nurse = unit_world["unit"], unit_world["lead"], unit_world["nurse"]
    values = {
        "unit": unit,
        "office_opens": dt.time(18),
        "office_closes": dt.time(8),
        "office_days": [],
        "holidays": [],
        "phone": "call reception",
        "out_of_hours_phone": "",
        "next_responder": unit_world["outsider"],
    }
    with pytest.raises(ValidationError) as error:
        unit_alert_settings_update(actor=lead, **values)
    assert set(error.value.message_dict) == {
        "office_closes",
        "office_days",
        "phone",
        "next_responder",
    }
    good = {**values, "office_opens": dt.time(8), "office_closes": dt.time(18)}
    good |= {"office_days": [1], "phone": "", "next_responder": nurse}
    with pytest.raises(PermissionDenied):
        unit_alert_settings_update(actor=nurse, **good)
    with pytest.raises(PermissionDenied):
        unit_alert_settings_update(actor=unit_world["other_lead"], **good)
    assert not UnitAlertSettings.objects.filter(unit=unit).exists()
    assert unit_alert_settings_update(actor=lead, **good).next_responder == nurse


@pytest.mark.parametrize("who", ["nurse", "other_lead", "outsider"])
def test_only_the_units_lead_may_open_or_save_the_settings(unit_world, verified_client, who):
    unit, nurse = unit_world["unit"], unit_world["nurse"]
    client = verified_client(unit_world[who])
    assert client.get(url(unit)).status_code == 403
    assert client.post(url(unit), good_form(nurse)).status_code == 403
    assert not UnitAlertSettings.objects.filter(unit=unit).exists()


def test_other_roles_and_unknown_units_are_refused(unit_world, verified_client, client):
    unit = unit_world["unit"]
    assert client.get(url(unit)).status_code == 302  # to the log-in page
    qi_lead = factories.make_user(role="qi_lead", network=unit_world["tree"].network, units=(unit,))
    assert verified_client(qi_lead).get(url(unit)).status_code == 403
    lead_client = verified_client(unit_world["lead"])
    missing = reverse("alerts:unit_settings", kwargs={"unit_id": 10**12})
    assert lead_client.get(missing).status_code == 403


def test_a_lead_whose_membership_ended_is_refused(unit_world, verified_client):
    from coproduce.core.clock import today
    from coproduce.network.models import UnitMembership
    from coproduce.network.services import unit_membership_end

    unit, lead = unit_world["unit"], unit_world["lead"]
    membership = UnitMembership.objects.get(unit=unit, user=lead)
    unit_membership_end(actor=None, membership=membership, ended_on=today() - dt.timedelta(days=1))
    assert verified_client(lead).get(url(unit)).status_code == 403


def test_the_list_shows_the_units_a_lead_leads(unit_world, verified_client):
    unit, lead = unit_world["unit"], unit_world["lead"]
    body = verified_client(lead).get(reverse("alerts:unit_settings_list")).content.decode()
    assert url(unit) in body
    assert url(unit_world["tree"].units[1]) not in body
    nurse_page = verified_client(unit_world["nurse"]).get(reverse("alerts:unit_settings_list"))
    assert nurse_page.status_code == 200
    assert "You do not lead a unit" in nurse_page.content.decode()


def test_the_saved_next_responder_is_selected(unit_world, verified_client):
    unit, nurse = unit_world["unit"], unit_world["nurse"]
    unit_settings_set(unit, next_responder=nurse)
    body = verified_client(unit_world["lead"]).get(url(unit)).content.decode()
    assert f'<option value="{nurse.pk}" selected>' in body
