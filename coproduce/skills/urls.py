from django.urls import path

from coproduce.skills import views

app_name = "skills"
urlpatterns = [
    path("countersign/", views.countersign_queue, name="countersign_queue"),
    path(
        "patients/<int:patient_id>/dialysis/<int:session_id>/review/",
        views.session_review,
        name="session_review",
    ),
]
urlpatterns += [
    path(
        "patients/<int:patient_id>/skills/",
        views.checklist_list,
        name="checklist_list",
    ),
    path(
        "patients/<int:patient_id>/skills/assign/",
        views.checklist_assign,
        name="checklist_assign",
    ),
    path(
        "patients/<int:patient_id>/skills/<int:assignment_id>/",
        views.checklist_detail,
        name="checklist_detail",
    ),
    path(
        "patients/<int:patient_id>/skills/<int:assignment_id>/step/",
        views.step_record,
        name="step_record",
    ),
    path(
        "patients/<int:patient_id>/skills/<int:assignment_id>/sign-off/",
        views.checklist_sign_off,
        name="checklist_sign_off",
    ),
]
urlpatterns += [path("me/skills/", views.mine, name="mine")]
