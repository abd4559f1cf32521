"""Django admin, for administrators only, with every view and change audited.

Administrators manage the organisation (networks, regions, units, memberships, users,
programmes). Patient records are not registered here: clinical data are reached only
through the permission-checked selectors.
"""

from django.contrib import admin
from django.db import transaction

from coproduce.accounts.models import Role
from coproduce.core.audit import AuditAction, audit_record


class CoproduceAdminSite(admin.AdminSite):
    site_header = "Coproduce data administration"
    site_title = "Coproduce administration"
    index_title = "Organisation and configuration"

    def login(self, request, extra_context=None):
        """One log-in page for everyone (with lockout and two-step verification)."""
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.GET.get("next", "/admin/"))

    def has_permission(self, request) -> bool:
        user = request.user
        return (
            user.is_active
            and user.is_authenticated
            and user.role == Role.ADMINISTRATOR
            and user.is_verified()
        )


class AuditedModelAdmin(admin.ModelAdmin):
    """Writes an AuditEvent in the same transaction as every admin save or delete, and one
    for every change-page read."""

    def has_module_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # organisation rows are ended, never deleted

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                entity_type=type(obj).__name__,
                entity_id=obj.pk,
                purpose="admin",
                detail={"fields": sorted(form.changed_data)},
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        audit_record(
            actor=request.user,
            action=AuditAction.READ,
            entity_type=self.model.__name__,
            entity_id=object_id,
            purpose="admin",
        )
        return super().change_view(request, object_id, form_url, extra_context)


site = CoproduceAdminSite(name="admin")
