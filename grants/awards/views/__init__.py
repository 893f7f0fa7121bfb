"""The awards blueprint: decisions, awards, reports and payments."""

from grants.awards.views import awards, decisions, manage, reports  # noqa: F401  (registers routes)
from grants.awards.views.blueprint import bp

__all__ = ["bp"]
