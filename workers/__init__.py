"""Celery: the app for workers (``workers.celery_app``), its tasks and the beat schedule."""
