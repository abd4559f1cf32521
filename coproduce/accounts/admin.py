"""Registrations on the audited admin site (see admin_site.py)."""

from django.contrib import admin

from coproduce.accounts.admin_site import AuditedModelAdmin, site
from coproduce.accounts.models import User
from coproduce.core.models import AuditEvent
from coproduce.network.models import Network, Region, Unit, UnitMembership
from coproduce.programmes.models import Programme


@admin.register(User, site=site)
class UserAdmin(AuditedModelAdmin):
    list_display = ["username", "role", "profession", "is_active", "last_login"]
    list_filter = ["role", "profession", "is_active"]
    search_fields = ["username", "email"]
    fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "profession",
        "network",
        "is_active",
    ]


@admin.register(Network, site=site)
class NetworkAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "confidential_from_age", "own_consent_from_age"]


@admin.register(Region, site=site)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["name", "network"]


@admin.register(Unit, site=site)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "region", "time_zone"]


@admin.register(UnitMembership, site=site)
class UnitMembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "unit", "is_lead", "started_on", "ended_on"]


@admin.register(Programme, site=site)
class ProgrammeAdmin(AuditedModelAdmin):
    list_display = ["code", "version", "title", "loaded_at"]
    readonly_fields = ["code", "version", "title", "definition", "source_sha256", "loaded_at"]

    def has_add_permission(self, request) -> bool:
        return False  # programmes come from reviewed files: `coproduce load_programmes`


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(AuditedModelAdmin):
    list_display = ["occurred_at", "actor", "action", "outcome", "entity_type", "entity_id"]
    list_filter = ["action", "outcome", "entity_type"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the audit trail is read-only
