"""Logging in and out, two-step verification, and password reset."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from coproduce.accounts import services
from coproduce.core.audit import AuditAction, AuditOutcome, audit_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=AuditAction.LOGIN, entity_type="Session")
        return response

    def form_invalid(self, form):
        audit_record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            outcome=AuditOutcome.DENIED,
            entity_type="Session",
        )
        return super().form_invalid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit_record(actor=request.user, action=AuditAction.LOGOUT, entity_type="Session")
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("accounts:login")


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Six-digit code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=gettext_lazy(
            "The code from your authenticator app, or one of your backup codes."
        ),
    )


def safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Second step for staff: a TOTP code or a backup code."""
    user = request.user
    if not user.needs_mfa or user.is_verified():
        return redirect(safe_next(request))
    confirmed = list(devices_for_user(user, confirmed=True))
    if not any(isinstance(d, TOTPDevice) for d in confirmed):
        return redirect("accounts:mfa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].replace(" ", "")
        for device in confirmed:
            if device.verify_token(token):
                otp_login(request, device)
                audit_record(
                    actor=user,
                    action=AuditAction.MFA,
                    entity_type="Session",
                    detail={"step": "verified"},
                )
                return redirect(safe_next(request))
        audit_record(
            actor=user,
            action=AuditAction.MFA,
            outcome=AuditOutcome.DENIED,
            entity_type="Session",
            detail={"step": "wrong-code"},
        )
        form.add_error("token", _("That code is not right or has expired. Try the newest code."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": safe_next(request)})


def qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the code, type a code back, get backup codes."""
    user = request.user
    if any(isinstance(d, TOTPDevice) for d in devices_for_user(user, confirmed=True)):
        return redirect("accounts:mfa_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.totp_device_confirm(
            user=user, device=device, token=form.cleaned_data["token"].replace(" ", "")
        )
        if codes is not None:
            otp_login(request, device)
            return render(request, "accounts/mfa_backup_codes.html", {"codes": codes})
        form.add_error("token", _("That code is not right. Check the time on your phone."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/mfa_setup.html",
        {"form": form, "qr_svg": qr_svg(device.config_url), "secret": secret},
    )


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=form.user,
            action=AuditAction.UPDATE,
            entity_type="User",
            entity_id=form.user.pk,
            detail={"field": "password", "via": "reset-link"},
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
