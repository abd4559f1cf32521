"""Routes of the alerts app: queue pages (views_queue.py)."""

urlpatterns: list = []
