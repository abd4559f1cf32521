"""Countersigning patient-documented procedures: the clinician's list of self-dialysis
sessions waiting for countersignature, and the review of one session (countersign, or ask a
question the patient sees). Access is checked by `patient_for_user` before anything is read;
sessions are looked up only within that access, so another patient's session is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.observations.measurements import unit_preferences
from coproduce.observations.views.measurement_rows import session_rows
from coproduce.observations.views.pages import unit_zone
from coproduce.patients.forms import add_service_errors
from coproduce.patients.selectors import patient_for_user
from coproduce.skills import selectors, services
from coproduce.skills.forms import SessionReviewForm


@role_required(Role.CLINICIAN)
@require_GET
def countersign_queue(request: HttpRequest) -> HttpResponse:
    """Sessions logged by patients or carers that wait for a clinician's countersignature."""
    sessions = selectors.sessions_to_countersign(request.user)
    return render(request, "skills/countersign_queue.html", {"sessions": sessions})


@role_required(Role.CLINICIAN)
@require_http_methods(["GET", "POST"])
def session_review(request: HttpRequest, patient_id: int, session_id: int) -> HttpResponse:
    """One session as recorded, its reviews so far, and the countersign or query form."""
    access = patient_for_user(request.user, patient_id, purpose="countersign")
    session = selectors.session_for_access(access, session_id)
    if session is None:
        raise Http404
    form = SessionReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_review(
                access=access,
                session=session,
                kind=form.cleaned_data["kind"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your review is saved."))
            return redirect(reverse("skills:countersign_queue"))
    reviews = selectors.reviews_by_session(access, [session.pk])[session.pk]
    row = session_rows(
        [(session, selectors.session_values(access, session))],
        unit_preferences(request.user),
        access.patient.user_id,
    )[0]
    with timezone.override(unit_zone(access.patient)):
        return render(
            request,
            "skills/session_review.html",
            {
                "patient": access.patient,
                "r": row,
                "reviews": reviews,
                "signed": selectors.countersignature(reviews),
                "form": form,
            },
        )
