"""Routes of the alerts app: load pages (views_load.py)."""

urlpatterns: list = []
