"""Officers' insight pages. Importing the modules registers their routes on the blueprint."""

from grants.insights.views import dashboards, exports  # noqa: F401
from grants.insights.views.blueprint import bp

__all__ = ["bp"]
