"""Routes of the alerts app: patient pages (views_patient.py)."""

urlpatterns: list = []
