"""Staff must pass two-step verification before any page but the log-in pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

# Pages a logged-in member of staff may reach before verifying: the MFA pages themselves,
# logging out, and static files.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/health/")


class StaffMFARequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_mfa
            and not user.is_verified()
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:mfa_verify')}?next={request.path}")
        return self.get_response(request)
