"""The write path for saved panel views. Each change is audited in its own transaction;
a bad name is a ValidationError on the `name` field, and nothing is saved."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coproduce.accounts.models import User
from coproduce.core.audit import AuditAction, audit_record
from coproduce.core.clock import now
from coproduce.panel.models import SAVED_VIEW_NAME_MAX, SavedView


def _audit(actor: User, view: SavedView, action: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        entity_type="PanelSavedView",
        entity_id=view.pk,
        detail={"query": view.query},
    )


def _clean_name(owner: User, name: str, *, keep: SavedView | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > SAVED_VIEW_NAME_MAX:
        raise ValidationError(
            {
                "name": _("Use a name of %(max)d characters or fewer (this one has %(n)d).")
                % {"max": SAVED_VIEW_NAME_MAX, "n": len(name)}
            }
        )
    others = SavedView.objects.filter(owner=owner, name__iexact=name)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    if others.exists():
        raise ValidationError(
            {
                "name": _("You already have a view called “%(name)s”. Choose another name.")
                % {"name": name}
            }
        )
    return name


def _save(view: SavedView) -> None:
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:  # the same name saved at the same moment in another tab
        raise ValidationError(
            {"name": _("You already have a view with that name. Choose another name.")}
        ) from None


def saved_view_create(*, owner: User, name: str, query: str) -> SavedView:
    """Save the panel's filters and sort (`query`, a validated query string) as `name`."""
    with transaction.atomic():
        at = now()
        view = SavedView(
            owner=owner, name=_clean_name(owner, name), query=query, created_at=at, updated_at=at
        )
        _save(view)
        _audit(owner, view, AuditAction.CREATE)
    return view


def saved_view_rename(*, owner: User, view: SavedView, name: str) -> SavedView:
    """Give the owner's saved view a new name."""
    if view.owner_id != owner.pk:
        raise ValidationError(_("Only the person who saved a view can change it."))
    with transaction.atomic():
        view.name = _clean_name(owner, name, keep=view)
        view.updated_at = now()
        _save(view)
        _audit(owner, view, AuditAction.UPDATE)
    return view


def saved_view_delete(*, owner: User, view: SavedView) -> None:
    """Delete the owner's saved view."""
    if view.owner_id != owner.pk:
        raise ValidationError(_("Only the person who saved a view can delete it."))
    with transaction.atomic():
        _audit(owner, view, AuditAction.DELETE)
        view.delete()
