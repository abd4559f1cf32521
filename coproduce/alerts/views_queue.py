"""The clinician's alert queue and one alert's page: why it fired, and claiming,
acknowledging and closing it. Clinicians only (staff pass two-step verification first:
StaffMFARequiredMiddleware); which alerts they may see is the selectors' rule."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coproduce.accounts.decorators import role_required
from coproduce.accounts.models import Role
from coproduce.alerts import handling
from coproduce.alerts.forms_queue import AcknowledgeForm, CloseForm, QueueFilterForm
from coproduce.alerts.models import AlertStatus
from coproduce.alerts.selectors import alert_for_user, alerts_queue
from coproduce.network.selectors import staff_units
from coproduce.patients.forms import add_service_errors


@role_required(Role.CLINICIAN)
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Alerts of the clinician's units and patients, most severe and oldest first. An htmx
    request gets the table only; without JavaScript the filter form reloads the page."""
    units = list(staff_units(request.user))
    form = QueueFilterForm(request.GET or None, units=units)
    unit_id, status = None, "active"
    if form.is_valid():
        unit_id = form.cleaned_data["unit"]
        status = form.cleaned_data["status"] or "active"
    rows = alerts_queue(request.user, unit_id=unit_id, status=status)
    context = {
        "form": form,
        "rows": rows,
        "status": status,
        "overdue_count": sum(row.overdue for row in rows),
        "unit_name": next((u.name for u in units if u.pk == unit_id), ""),
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "alerts/_queue_table.html", context)
    return render(request, "alerts/queue.html", context)


def render_detail(
    request: HttpRequest,
    alert_id: int,
    *,
    ack_form: AcknowledgeForm | None = None,
    close_form: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = alert_for_user(request.user, alert_id)
    alert = view.alert
    context = {
        "view": view,
        "alert": alert,
        "patient": alert.patient,
        "is_closed": alert.status == AlertStatus.CLOSED,
        "is_open": alert.status == AlertStatus.OPEN,
        "mine": alert.claimed_by_id == request.user.pk,
        "ack_form": ack_form or AcknowledgeForm(prefix="ack"),
        "close_form": close_form or CloseForm(prefix="close"),
    }
    return render(request, "alerts/alert_detail.html", context, status=status)


@role_required(Role.CLINICIAN)
@require_GET
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    return render_detail(request, alert_id)


def back_to_alert(alert_id: int) -> HttpResponse:
    return redirect("alerts:alert_detail", alert_id=alert_id)


@role_required(Role.CLINICIAN)
@require_POST
def alert_claim(request: HttpRequest, alert_id: int) -> HttpResponse:
    """ "I am handling this" (or take it over from a colleague). When a colleague claimed
    it a moment earlier, the page says who has it."""
    take_over = request.POST.get("take_over") == "1"
    try:
        handling.alert_claim(user=request.user, alert_id=alert_id, take_over=take_over)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You are handling this alert."))
    return back_to_alert(alert_id)


@role_required(Role.CLINICIAN)
@require_POST
def alert_release(request: HttpRequest, alert_id: int) -> HttpResponse:
    try:
        handling.alert_release(user=request.user, alert_id=alert_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You gave the alert back. A colleague can take it now."))
    return back_to_alert(alert_id)


@role_required(Role.CLINICIAN)
@require_POST
def alert_acknowledge(request: HttpRequest, alert_id: int) -> HttpResponse:
    form = AcknowledgeForm(request.POST, prefix="ack")
    if not form.is_valid():
        return render_detail(request, alert_id, ack_form=form, status=422)
    try:
        handling.alert_acknowledge(
            user=request.user, alert_id=alert_id, note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_service_errors(form, error)
            return render_detail(request, alert_id, ack_form=form, status=422)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Alert acknowledged. It will not be escalated."))
    return back_to_alert(alert_id)


@role_required(Role.CLINICIAN)
@require_POST
def alert_close(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Record what was done and close the alert; a missing action or reason is shown by
    its field, with an error summary, and nothing is saved."""
    form = CloseForm(request.POST, prefix="close")
    if not form.is_valid():
        return render_detail(request, alert_id, close_form=form, status=422)
    data = form.cleaned_data
    try:
        handling.alert_close(
            user=request.user,
            alert_id=alert_id,
            action=data["action"],
            note=data["note"],
            no_action_reason=data["no_action_reason"],
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_service_errors(form, error)
            return render_detail(request, alert_id, close_form=form, status=422)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Alert closed. The patient has been told."))
    return back_to_alert(alert_id)
