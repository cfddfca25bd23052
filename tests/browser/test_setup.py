"""Without Chromium the browser tests must not pass silently in CI."""

import pytest

from tests.browser.conftest import _missing


def test_missing_chromium_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        _missing("Chromium not found at /usr/bin/chromium")


def test_missing_chromium_skips_on_a_developer_machine(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _missing("Chromium not found at /usr/bin/chromium")
