from django.urls import path

from coproduce.panel import views

app_name = "panel"

urlpatterns = [
    path("panel/", views.panel, name="panel"),
    path("panel/views/", views.view_save, name="view_save"),
    path("panel/views/<int:view_id>/", views.view_edit, name="view_edit"),
    path("panel/views/<int:view_id>/delete/", views.view_delete, name="view_delete"),
]
