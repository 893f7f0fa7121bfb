"""Fixtures shared by every tier."""

import pytest

from grants import create_app


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("instance")


def build_app(instance_dir, **overrides):
    return create_app("testing", {"INSTANCE_PATH": str(instance_dir), **overrides})
