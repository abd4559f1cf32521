from django.urls import path

from coproduce.extracts import views

app_name = "extracts"
urlpatterns = [
    path("qi/extracts/", views.extract_list, name="extract_list"),
    path("qi/extracts/<int:extract_id>/download/", views.extract_download, name="extract_download"),
    path("qi/extracts/<int:extract_id>/summary/", views.extract_summary, name="extract_summary"),
]
