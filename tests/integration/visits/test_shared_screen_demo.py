"""The demo: Owen's next visit has a shared screen with something in every section (his
agenda, charts of his programme's measures, his goals, his self-dialysis steps and a
decision to review and one to make), for the demo clinician and for Owen himself."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.core.clock import today
from coproduce.seed import demo
from coproduce.visits.models import Visit, VisitStatus


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, built once for this module and rolled back after it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        # as `make demo` builds it, less the registry cohort only the QI pages need
        demo.demo_create(end_date=today(), with_cohort=False)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def owens_visit(demo_loaded, db) -> Visit:
    owen = User.objects.get(username="patient")
    return Visit.objects.get(patient__user=owen, status=VisitStatus.SCHEDULED, agenda__isnull=False)


def shared_screen(client, visit) -> str:
    url = reverse(
        "visits:shared_screen", kwargs={"patient_id": visit.patient_id, "visit_id": visit.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def section(body: str, key: str, next_key: str | None) -> str:
    start = body.index(f'id="{key}-heading"')
    return body[start : body.index(f'id="{next_key}-heading"')] if next_key else body[start:]


def test_owens_shared_screen_has_something_in_every_section(owens_visit, verified_client):
    clinician = User.objects.get(username="clinician")
    body = shared_screen(verified_client(clinician), owens_visit)
    assert "out of breath walking up the hill" in section(body, "agenda", "trends")
    assert section(body, "trends", "goals").count('class="trend-chart"') >= 2
    assert "No goals yet" not in section(body, "goals", "skills")
    assert "Supervised" in section(body, "skills", "decisions")
    decisions = section(body, "decisions", None)
    assert "Not decided yet" in decisions  # the transplant tests
    assert "Home or unit haemodialysis" in decisions  # its review is due next month
    assert "Chosen: Haemodialysis at home" in decisions


def test_owen_sees_his_own_shared_screen(owens_visit, client):
    client.force_login(User.objects.get(username="patient"))
    body = shared_screen(client, owens_visit)
    assert "Your visit, together" in body
    assert "out of breath walking up the hill" in body
