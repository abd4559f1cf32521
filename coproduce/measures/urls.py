from django.urls import path

from coproduce.measures import views

app_name = "measures"
urlpatterns = [
    path("qi/measures/", views.measure_list, name="measure_list"),
    path("qi/measures/<slug:measure>/", views.measure_detail, name="measure_detail"),
    path(
        "qi/measures/<slug:measure>/annotations/",
        views.annotation_add,
        name="annotation_add",
    ),
    path("qi/measures/<slug:measure>/data.csv", views.measure_csv, name="measure_csv"),
    path("qi/measures/<slug:measure>/chart.svg", views.measure_svg, name="measure_svg"),
]
