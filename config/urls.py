from django.urls import include, path

from coproduce.accounts.admin_site import site as admin_site

urlpatterns = [
    path("", include("coproduce.core.urls")),
    path("accounts/", include("coproduce.accounts.urls")),
    path("", include("coproduce.patients.urls")),
    path("", include("coproduce.access.urls")),
    path("", include("coproduce.observations.urls")),
    path("", include("coproduce.questionnaires.urls")),
    path("", include("coproduce.reporting.urls")),
    path("", include("coproduce.careplans.urls")),
    path("", include("coproduce.visits.urls")),
    path("", include("coproduce.alerts.urls")),
    path("", include("coproduce.decisions.urls")),
    path("", include("coproduce.skills.urls")),
    path("", include("coproduce.tasks.urls")),
    path("", include("coproduce.panel.urls")),
    path("", include("coproduce.network.urls")),
    path("", include("coproduce.extracts.urls")),
    path("", include("coproduce.measures.urls")),
    path("admin/", admin_site.urls),
]
