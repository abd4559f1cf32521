"""QI and administration home pages: aggregates with small counts suppressed; ids only."""

from __future__ import annotations

from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.network.selectors import suppressed
from tests import factories


def test_small_counts_are_suppressed_but_zero_and_eleven_are_shown():
    assert suppressed(0) == 0
    assert suppressed(1) is None
    assert suppressed(10) is None
    assert suppressed(11) == 11


def test_qi_home_shows_units_with_small_counts_suppressed(cast, login_as):
    response = login_as(cast.qi_lead).get(reverse("network:qi_home"))
    body = response.content.decode()
    assert response.status_code == 200
    for unit in cast.tree.units:
        assert unit.name in body
    assert "fewer than 11" in body
    assert cast.patient.family_name not in body
    assert AuditEvent.objects.filter(actor=cast.qi_lead, entity_type="UnitAggregate").exists()


def test_qi_home_shows_counts_of_eleven_or_more(cast, login_as):
    unit = cast.tree.units[2]
    for _ in range(11):
        factories.make_patient(tree=cast.tree, unit=unit)
    body = login_as(cast.qi_lead).get(reverse("network:qi_home")).content.decode()
    assert "<td>11</td>" in body


def test_admin_home_shows_the_organisation_and_links_to_the_admin(cast, login_as):
    body = login_as(cast.administrator).get(reverse("network:admin_home")).content.decode()
    assert cast.network.name in body
    assert cast.tree.regions[0].name in body
    assert reverse("admin:index") in body
    assert "Recent audit events" in body
    assert cast.patient.family_name not in body
