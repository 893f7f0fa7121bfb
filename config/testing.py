"""Testing: fast hashing, no worker hand-off (tests deliver mail themselves or run a real worker)."""

from config.default import DefaultConfig


class TestingConfig(DefaultConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-with-enough-length-0123456789"  # noqa: S105
    OUTBOX_DISPATCH = "record"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 1024
    RATELIMIT_STORAGE_URI = "memory://"
    PUBLIC_BASE_URL = "http://localhost"
