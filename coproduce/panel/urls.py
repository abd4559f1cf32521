from django.urls import path

from coproduce.panel import views

app_name = "panel"

urlpatterns = [
    path("panel/", views.panel, name="panel"),
]
