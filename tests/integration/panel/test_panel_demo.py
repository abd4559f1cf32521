"""The demo: the clinician's panel lists the demo patients with a key score for Owen, and
the two saved views open at the top of the panel."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.core.clock import today
from coproduce.panel.selectors import KeyScore
from coproduce.patients.models import Patient
from coproduce.seed import demo

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, built once for this module and rolled back after it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        # as `make demo` builds it, less the registry cohort only the QI pages need
        demo.demo_create(end_date=today(), with_cohort=False)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("username", ["clinician", "nurse"])
def test_the_demo_panel_has_saved_views_and_key_scores(username, demo_loaded, db, verified_client):
    client = verified_client(User.objects.get(username=username))
    response = client.get(reverse("panel:panel"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Open alerts, most severe first</a>" in body
    assert "Off target</a>" in body
    owen = Patient.objects.get(user__username="patient")
    row = next(r for r in response.context["rows"] if r.patient_id == owen.pk)
    assert row.key_score != KeyScore.NO_TARGET
    opened = client.get(reverse("panel:panel") + "?status=alerts&sort=severity")
    assert opened.status_code == 200
    assert opened.context["rows"], "the demo unit has patients with open alerts"
    assert 'aria-current="page">Open alerts, most severe first</a>' in opened.content.decode()
