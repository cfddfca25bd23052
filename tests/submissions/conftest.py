"""Fixtures shared with the curation tests."""

from tests.curation.conftest import anon  # noqa: F401
