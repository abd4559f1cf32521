from django.urls import path

from coproduce.network import views

app_name = "network"
urlpatterns = [
    path("qi/", views.qi_home, name="qi_home"),
    path("administration/", views.admin_home, name="admin_home"),
]
