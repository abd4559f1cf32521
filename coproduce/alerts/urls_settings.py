"""Routes of the alerts app: settings pages (views_settings.py)."""

urlpatterns: list = []
