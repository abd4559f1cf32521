"""Template context shared by every page."""

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict:
    """django-htmx's `htmx_script` tag reads `csp_nonce`; django-csp 4 puts the nonce on
    the request. Reading it here also makes the nonce appear in the header."""
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": str(nonce) if nonce is not None else ""}


def navigation(request: HttpRequest) -> dict:
    """The role's navigation links for the base layout."""
    from coproduce.core.navigation import links_for

    user = getattr(request, "user", None)
    return {"nav_links": links_for(user) if user is not None else []}
