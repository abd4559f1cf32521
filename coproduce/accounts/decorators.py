"""View decorators for role checks. Relationship checks (which patient) stay in the
selectors; this only says which roles may open a page at all."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from coproduce.accounts.models import Role

View = Callable[..., HttpResponse]


def role_required(*roles: Role | str) -> Callable[[View], View]:
    """Log-in required, then 403 for any role not in `roles`."""
    allowed = frozenset(str(role) for role in roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in allowed:
                raise PermissionDenied("This page is not for your role.")
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = allowed  # read by the authorization matrix test
        return login_required(wrapped)

    return decorator
