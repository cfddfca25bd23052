"""The editorial users of tests/curation, for the practice examples' admin tests."""

from tests.curation.conftest import editor, editor_client  # noqa: F401 (fixtures)
