"""The registry extract page: asking for an extract, errors next to fields, downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.core.models import AuditAction, AuditEvent
from coproduce.extracts import services
from coproduce.extracts.disclosure import STEPS
from coproduce.extracts.models import RegistryExtract
from coproduce.extracts.views import STEP_WORDS
from tests import factories
from tests.factories_extracts import measured

pytestmark = pytest.mark.integration


@pytest.fixture
def lead_client(cast, verified_client, settings, tmp_path):
    settings.COPRODUCE_EXTRACTS_DIR = tmp_path / "extracts"
    settings.COPRODUCE_SMALL_CELL_MAX = 0
    programme = factories.load_programme("rheumatoid-arthritis")
    patient = factories.make_patient(tree=cast.tree)
    factories.make_enrolment(patient=patient, programme=programme)
    measured(patient)
    return verified_client(cast.qi_lead)


def form_data(cast, **changes) -> dict:
    data = {
        "purpose": "registry",
        "programmes": ["rheumatoid-arthritis"],
        "units": [str(cast.tree.units[0].pk)],
        "first_month": "2020-01",
        "last_month": "2030-12",
        "reason": "Audit of CRP testing",
    }
    return {**data, **changes}


def test_extract_page_explains_what_is_removed(cast, lead_client):
    page = lead_client.get(reverse("extracts:extract_list")).content.decode()
    assert "Names, NHS and local numbers" in page
    assert "birth year in 5-year bands" in page
    assert "Why do you need this extract?" in page


def test_the_page_words_every_step_of_the_disclosure_ladder():
    assert [str(w) for w in STEP_WORDS] == list(STEPS[1:])


def test_qi_home_links_to_the_extract_page(cast, lead_client):
    page = lead_client.get(reverse("network:qi_home")).content.decode()
    assert reverse("extracts:extract_list") in page


def test_making_and_downloading_an_extract(cast, lead_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(reverse("extracts:extract_list"), form_data(cast))
    assert response.status_code == 302
    extract = RegistryExtract.objects.get()
    assert extract.status == "ready"
    page = lead_client.get(reverse("extracts:extract_list")).content.decode()
    assert f"Your extract number {extract.pk} is being made." in page
    download_url = reverse("extracts:extract_download", kwargs={"extract_id": extract.pk})
    assert download_url in page

    response = lead_client.get(download_url)

    body = b"".join(response.streaming_content)
    assert body == (services.extracts_dir() / extract.file_name).read_bytes()
    assert response["Content-Disposition"].startswith("attachment;")
    event = AuditEvent.objects.filter(entity_type="RegistryExtract", detail__part="file").get()
    assert (event.actor, event.action) == (cast.qi_lead, AuditAction.EXPORT)


def test_summary_download_says_suppressed_for_small_counts(
    cast, lead_client, settings, django_capture_on_commit_callbacks
):
    settings.COPRODUCE_SMALL_CELL_MAX = 2  # k = 3
    programme = factories.load_programme("rheumatoid-arthritis")
    for days_ago in (20, 20, 80):  # one patient also measured in an earlier month
        patient = factories.make_patient(tree=cast.tree)
        factories.make_enrolment(patient=patient, programme=programme)
        measured(patient, days_ago=days_ago)
        measured(patient)
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(reverse("extracts:extract_list"), form_data(cast))
    extract = RegistryExtract.objects.get()

    response = lead_client.get(
        reverse("extracts:extract_summary", kwargs={"extract_id": extract.pk})
    )

    text = response.content.decode()
    lines = text.splitlines()
    assert lines[0] == "unit,month,patients,rows"
    assert any(line.endswith(",suppressed,suppressed") for line in lines)
    assert any(line.endswith(",4,6") for line in lines)  # 4 patients, 6 rows that month


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_saved(cast, lead_client):
    response = lead_client.post(
        reverse("extracts:extract_list"),
        form_data(cast, reason="", last_month="2019-01"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_reason_error"' in page
    assert 'href="#id_reason"' in page
    assert "The last month must be the same as or after the first month." in page
    assert not RegistryExtract.objects.exists()


def test_research_with_equity_fields_is_refused_next_to_the_box(cast, lead_client):
    response = lead_client.post(
        reverse("extracts:extract_list"),
        form_data(cast, purpose="research", include_equity="on"),
    )

    page = response.content.decode()
    assert 'id="id_include_equity_error"' in page
    assert "Research extracts cannot include ethnicity" in page
    assert "Audit of CRP testing" in page  # what was typed is kept
    assert not RegistryExtract.objects.exists()
