"""Finding 4: a database that does not answer (stalled, not refusing) gives the German 503 page within 5 s,
and /healthz is answered meanwhile. Each scenario runs in a fresh process with production settings against
a fault from tests/dbfaults.py."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

ROOT = settings.BASE_DIR


def run(*args):
    result = subprocess.run(
        [sys.executable, "-m", "tests.dbfaults", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {entry["url"]: entry for entry in json.loads(result.stdout.strip().splitlines()[-1])}


def assert_maintenance_page_in_time(answer):
    assert answer["status"] == 503
    assert "Das Transferportal ist gleich wieder da" in answer["text"]
    assert answer["seconds"] <= 5


def test_a_server_that_accepts_and_never_answers_gives_503_within_5_seconds():
    answers = run("blackhole")
    assert answers["/healthz"]["status"] == 200 and answers["/healthz"]["seconds"] < 1
    assert_maintenance_page_in_time(answers["/angebote/"])
    assert_maintenance_page_in_time(answers["/"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a real PostgreSQL behind the relay")
def test_a_server_that_stalls_under_an_open_connection_gives_503_within_5_seconds(db):
    answers = run("stall", connection.settings_dict["NAME"])
    assert answers["/healthz"]["status"] == 200 and answers["/healthz"]["seconds"] < 1
    assert_maintenance_page_in_time(answers["/angebote/"])
    assert_maintenance_page_in_time(answers["/"])


def test_postgresql_connections_carry_connect_and_statement_timeouts():
    from tests.test_project import run_python

    code = (
        "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS'];"
        "print(o['connect_timeout'], o['options'])"
    )
    url = "postgres://u@127.0.0.1:5432/db"
    result = run_python(code, SECRET_KEY="x", DATABASE_URL=url, DATABASE_STATEMENT_TIMEOUT="15")
    assert result.stdout.split() == ["2", "-c", "statement_timeout=15000"], result.stderr
    plain = run_python(code.replace("o['options']", "o.get('options')"), SECRET_KEY="x", DATABASE_URL=url)
    assert plain.stdout.split() == ["2", "None"], plain.stderr  # management commands: no statement limit


def test_the_web_server_sets_the_statement_timeout():
    text = (ROOT / "gunicorn.conf.py").read_text()
    assert 'os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "15")' in text
