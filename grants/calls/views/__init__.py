"""Call pages: the public list and call page, and the officers' set-up pages."""

from grants.calls.views import manage, public, setup
from grants.calls.views.blueprint import bp

__all__ = ["bp", "manage", "public", "setup"]
