"""Saved panel views: save the filters and sort under a name, see them at the top, open,
rename and delete them; a bad name is shown next to the field and nothing is saved; another
person's view is not found and stays as it was."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.core.models import AuditEvent
from coproduce.panel.models import SavedView
from tests.factories_panel import make_saved_view

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _save(client, name, **params):
    return client.post(reverse("panel:view_save"), {"name": name, **params})


def test_save_the_current_filters_and_sort_then_open_the_view(cast, verified_client):
    client = verified_client(cast.clinician)
    response = _save(client, "  Alerts   first ", status="alerts", sort="severity", order="desc")
    view = SavedView.objects.get(owner=cast.clinician)
    assert view.name == "Alerts first"
    assert view.query == "status=alerts&sort=severity&order=desc"
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("panel:panel") + "?" + view.query
    page = client.get(response.headers["Location"])
    body = page.content.decode()
    assert "Your view “Alerts first” was saved." in body
    assert 'aria-current="page">Alerts first</a>' in body
    assert page.context["query"].status == "alerts"
    assert page.context["query"].sort == "severity"
    assert AuditEvent.objects.filter(
        actor=cast.clinician, entity_type="PanelSavedView", entity_id=str(view.pk), action="create"
    ).exists()


def test_saved_views_are_listed_as_links_at_the_top_for_their_owner_only(cast, verified_client):
    make_saved_view(cast.clinician, "Mine", "status=overdue")
    make_saved_view(cast.nurse, "The nurse's", "status=alerts")
    body = verified_client(cast.clinician).get(reverse("panel:panel")).content.decode()
    assert "Mine</a>" in body
    assert f"{reverse('panel:panel')}?status=overdue" in body
    assert "The nurse" not in body


def test_unknown_filters_are_not_saved(cast, verified_client):
    client = verified_client(cast.clinician)
    _save(client, "Odd", status="nonsense", sort="alerts")
    assert SavedView.objects.get(owner=cast.clinician).query == "sort=alerts"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Give the view a name."),
        ("   ", "Give the view a name."),
        ("x" * 61, "Use a name of 60 characters or fewer (this one has 61)."),
        ("my ALERTS", "You already have a view called “my ALERTS”. Choose another name."),
    ],
)
def test_a_bad_name_is_shown_next_to_the_field_and_nothing_is_saved(
    name, message, cast, verified_client
):
    make_saved_view(cast.clinician, "My alerts")
    client = verified_client(cast.clinician)
    response = _save(client, name, status="alerts", sort="name")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<p class="error" id="panel-save-name-error">{message}</p>' in body.replace(
        "&ldquo;", "“"
    ).replace("&rdquo;", "”")
    assert 'aria-invalid="true"' in body
    assert f'value="{name}"' in body  # what was typed is kept
    assert response.context["query"].status == "alerts"  # the filters are kept
    assert SavedView.objects.filter(owner=cast.clinician).count() == 1


def test_the_same_name_may_be_used_by_two_clinicians(cast, verified_client):
    make_saved_view(cast.nurse, "Alerts")
    response = _save(verified_client(cast.clinician), "Alerts")
    assert response.status_code == 302
    assert SavedView.objects.filter(name="Alerts").count() == 2


def test_rename_a_view(cast, verified_client):
    view = make_saved_view(cast.clinician, "Old name", "status=alerts")
    client = verified_client(cast.clinician)
    url = reverse("panel:view_edit", kwargs={"view_id": view.pk})
    assert 'value="Old name"' in client.get(url).content.decode()
    response = client.post(url, {"name": "New name"})
    assert response.status_code == 302
    view.refresh_from_db()
    assert (view.name, view.query) == ("New name", "status=alerts")
    assert AuditEvent.objects.filter(entity_type="PanelSavedView", action="update").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the view a name."), ("Taken", "You already have a view called")],
)
def test_rename_with_a_bad_name_shows_the_error_and_keeps_the_old_name(
    name, message, cast, verified_client
):
    make_saved_view(cast.clinician, "Taken")
    view = make_saved_view(cast.clinician, "Keep me")
    client = verified_client(cast.clinician)
    response = client.post(reverse("panel:view_edit", kwargs={"view_id": view.pk}), {"name": name})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="view-name-error"' in body
    assert message in body.replace("&ldquo;", "“")
    view.refresh_from_db()
    assert view.name == "Keep me"


def test_renaming_to_its_own_name_is_fine(cast, verified_client):
    view = make_saved_view(cast.clinician, "Same")
    client = verified_client(cast.clinician)
    response = client.post(
        reverse("panel:view_edit", kwargs={"view_id": view.pk}), {"name": "Same"}
    )
    assert response.status_code == 302


def test_delete_a_view(cast, verified_client):
    view = make_saved_view(cast.clinician, "Gone soon")
    client = verified_client(cast.clinician)
    response = client.post(reverse("panel:view_delete", kwargs={"view_id": view.pk}))
    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()
    assert AuditEvent.objects.filter(
        entity_type="PanelSavedView", entity_id=str(view.pk), action="delete"
    ).exists()


def test_another_clinicians_view_is_not_found_and_changes_nothing(cast, verified_client):
    theirs = make_saved_view(cast.nurse, "The nurse's view", "status=overdue")
    client = verified_client(cast.clinician)
    edit = reverse("panel:view_edit", kwargs={"view_id": theirs.pk})
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"name": "Taken over"}).status_code == 404
    delete = reverse("panel:view_delete", kwargs={"view_id": theirs.pk})
    assert client.post(delete).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.name, theirs.query) == ("The nurse's view", "status=overdue")
