"""Routes of the alerts app, one list per area so each area keeps its own file."""

from coproduce.alerts import urls_load, urls_patient, urls_queue, urls_settings

app_name = "alerts"
urlpatterns = [
    *urls_queue.urlpatterns,
    *urls_patient.urlpatterns,
    *urls_load.urlpatterns,
    *urls_settings.urlpatterns,
]
