from django.urls import path

from coproduce.questionnaires import views

app_name = "questionnaires"
RESPONSE = "patients/<int:patient_id>/questionnaires/responses/<int:response_id>/"
urlpatterns = [
    path("me/questionnaires/", views.mine, name="mine"),
    path(
        "patients/<int:patient_id>/questionnaires/",
        views.my_responses,
        name="my_responses",
    ),
    path(
        "patients/<int:patient_id>/questionnaires/<str:instrument_code>/start/",
        views.start,
        name="start",
    ),
    path(RESPONSE + "step/<int:number>/", views.step, name="step"),
    path(RESPONSE + "review/", views.review, name="review"),
    path(RESPONSE + "done/", views.done, name="done"),
]
