from django.urls import path

from coproduce.careplans import plan_views, views

app_name = "careplans"
urlpatterns = [
    path("me/dashboard/", views.my_dashboard, name="my_dashboard"),
    path("patients/<int:patient_id>/dashboard/", views.dashboard, name="dashboard"),
    path("patients/<int:patient_id>/dashboard/table/", views.series_table, name="series_table"),
    path("patients/<int:patient_id>/goals/new/", views.goal_create, name="goal_create"),
    path("patients/<int:patient_id>/goals/<int:goal_id>/", views.goal_history, name="goal_history"),
    path("patients/<int:patient_id>/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("patients/<int:patient_id>/goals/<int:goal_id>/stop/", views.goal_stop, name="goal_stop"),
    path("me/care-plan/", plan_views.my_care_plan, name="my_care_plan"),
    path("patients/<int:patient_id>/care-plan/", plan_views.care_plan, name="care_plan"),
    path(
        "patients/<int:patient_id>/compromises/new/",
        plan_views.compromise_create,
        name="compromise_create",
    ),
    path(
        "patients/<int:patient_id>/compromises/<int:compromise_id>/",
        plan_views.compromise_history,
        name="compromise_history",
    ),
    path(
        "patients/<int:patient_id>/compromises/<int:compromise_id>/edit/",
        plan_views.compromise_edit,
        name="compromise_edit",
    ),
]
