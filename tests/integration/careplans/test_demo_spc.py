"""The demo (issue 7, item 6): Owen's PHQ-9 fell from moderate to mild when he began talking
therapy, and his dashboard's I chart tells it as a real change: to Owen in everyday words,
to the demo clinician as a special cause."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.core.clock import today
from coproduce.patients.models import Patient
from coproduce.seed import demo


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, built once for this module and rolled back after it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        # as `make demo` builds it, less the registry cohort only the QI pages need
        demo.demo_create(end_date=today(), with_cohort=False)
        yield
        transaction.set_rollback(True)


def phq9_card(html: str) -> str:
    start = html.index('-heading">PHQ-9 total score')
    return html[start : html.index("</article>", start)]


def dashboard(client, owen: Patient) -> str:
    url = reverse("careplans:dashboard", kwargs={"patient_id": owen.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_owen_reads_that_his_lower_phq9_scores_look_like_a_real_change(demo_loaded, client, db):
    owen = User.objects.get(username="patient")
    client.force_login(owen)

    card = phq9_card(dashboard(client, Patient.objects.get(user=owen)))

    assert (
        "Your last 8 scores are all lower than your usual level: this looks like a real "
        "change, not everyday ups and downs. For this measure that is a change for the better."
    ) in card
    assert 'class="chart-spc-run"' in card


def test_the_demo_clinician_sees_the_special_cause_on_owens_dashboard(
    demo_loaded, verified_client, db
):
    owen = Patient.objects.get(user__username="patient")

    card = phq9_card(dashboard(verified_client(User.objects.get(username="clinician")), owen))

    assert "Special cause: 8 points in a row below the centre line" in card
    assert "An improvement for this measure." in card
