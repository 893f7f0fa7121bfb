"""Settings objects. Pick one with ``GRANTS_CONFIG`` (default, production, testing).

Nothing here imports from ``grants``: settings are plain data, read before the app exists.
"""

import os

from config.default import DefaultConfig
from config.production import ProductionConfig
from config.testing import TestingConfig

CONFIGS = {
    "default": DefaultConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def load_config(name: str | None = None) -> type[DefaultConfig]:
    """Return the settings class named by ``name`` or by ``GRANTS_CONFIG``."""
    chosen = name or os.environ.get("GRANTS_CONFIG", "default")
    try:
        return CONFIGS[chosen]
    except KeyError:
        known = ", ".join(sorted(CONFIGS))
        raise RuntimeError(f"Unknown GRANTS_CONFIG {chosen!r}; choose one of: {known}") from None
