"""Navigation links per role. One place, so the base layout stays simple."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coproduce.accounts.models import Role


@dataclass(frozen=True)
class NavLink:
    url_name: str
    label: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


LINKS = {
    Role.PATIENT: [
        NavLink("patients:my_home", _("My health")),
        NavLink("reporting:mine", _("My reports")),
        NavLink("observations:my_measurements", _("My readings")),
        NavLink("careplans:my_care_plan", _("My care plan")),
        NavLink("tasks:mine", _("My tasks")),
        NavLink("careplans:my_dashboard", _("Charts and goals")),
        NavLink("decisions:mine", _("My decisions")),
        NavLink("skills:mine", _("My skills")),
        NavLink("alerts:mine", _("Messages about my reports")),
        NavLink("reporting:notifications", _("Messages")),
        NavLink("access:my_carers", _("My carers")),
        NavLink("access:my_consents", _("My choices")),
        NavLink("patients:my_access_log", _("Who saw my record")),
    ],
    Role.CARER: [
        NavLink("patients:carer_home", _("People I care for")),
        NavLink("reporting:notifications", _("Messages")),
    ],
    Role.CLINICIAN: [
        NavLink("panel:panel", _("Panel")),
        NavLink("alerts:queue", _("Alerts")),
        NavLink("patients:patient_list", _("Patients")),
        NavLink("skills:countersign_queue", _("Sessions to countersign")),
        NavLink("patients:patient_create", _("New patient")),
        NavLink("alerts:load", _("Alert load")),
        NavLink("alerts:unit_settings_list", _("Unit alert settings")),
        NavLink("reporting:notifications", _("Messages")),
    ],
    Role.QI_LEAD: [
        NavLink("network:qi_home", _("Quality improvement")),
        NavLink("measures:measure_list", _("Quality measures")),
        NavLink("alerts:load", _("Alert load")),
    ],
    Role.ADMINISTRATOR: [
        NavLink("network:admin_home", _("Administration")),
        NavLink("admin:index", _("Data administration")),
    ],
}


def links_for(user) -> list[NavLink]:
    if not getattr(user, "is_authenticated", False):
        return []
    return LINKS.get(user.role, [])
