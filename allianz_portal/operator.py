"""Who runs the portal: the operator's details for Impressum, Datenschutz, Barrierefreiheit and Kontakt.

Configured once, from environment variables (see `.env.example`), because they are a fact of the
deployment like the host name: known before the first page exists and checked without a database
(`manage.py check --deploy` fails while any required one is missing). Development (DJANGO_DEBUG=1)
fills the gaps with example values that every legal page marks as such.

This module reads no Django settings at import time: `settings.py` builds `OPERATOR` with it.
"""

import datetime
from dataclasses import dataclass

from django.core import checks


@dataclass(frozen=True)
class Field:
    key: str
    variable: str
    required: bool
    example: str


FIELDS = [
    Field("name", "OPERATOR_NAME", True, "Beispiel-Ministerium für Wirtschaft des Landes Nordrhein-Westfalen"),
    Field("represented_by", "OPERATOR_REPRESENTED_BY", False, "die Ministerin oder den Minister"),
    Field("street", "OPERATOR_STREET", True, "Musterstraße 1"),
    Field("city", "OPERATOR_CITY", True, "40213 Düsseldorf"),
    Field("email", "OPERATOR_EMAIL", True, "transferportal@example.org"),
    Field("phone", "OPERATOR_PHONE", True, "0211 0000000"),
    Field("phone_hours", "OPERATOR_PHONE_HOURS", False, "Montag bis Freitag, 9 bis 15 Uhr"),
    Field("content_responsible", "OPERATOR_CONTENT_RESPONSIBLE", True, "Erika Mustermann, Referat Transfer"),
    Field("vat_id", "OPERATOR_VAT_ID", False, ""),
    Field("accessibility_email", "ACCESSIBILITY_CONTACT_EMAIL", True, "barrierefreiheit@example.org"),
    Field("accessibility_phone", "ACCESSIBILITY_CONTACT_PHONE", False, ""),
    Field("privacy_officer", "PRIVACY_OFFICER_NAME", True, "Behördliche Datenschutzbeauftragte (Beispiel)"),
    Field("privacy_officer_email", "PRIVACY_OFFICER_EMAIL", True, "datenschutz@example.org"),
    Field("accessibility_reviewed_on", "ACCESSIBILITY_REVIEWED_ON", True, "2026-11-02"),
]


def from_environment(environ, examples=False):
    """{key: value} for every field, plus "examples": the keys filled with example values.

    `examples` (development only) fills every missing field with its example value.
    """
    values, used = {}, []
    for field in FIELDS:
        value = environ.get(field.variable, "").strip()
        if not value and examples and field.example:
            value = field.example
            used.append(field.key)
        values[field.key] = value
    values["examples"] = used
    return values


def reviewed_on(operator):
    """The date of the last accessibility check, or None when it is missing or not an ISO date."""
    try:
        return datetime.date.fromisoformat(operator.get("accessibility_reviewed_on", ""))
    except ValueError:
        return None


def missing(operator):
    """The environment variables a deployment still has to set (example values count as missing)."""
    examples = set(operator.get("examples", ()))
    return [
        field.variable for field in FIELDS if field.required and (not operator.get(field.key) or field.key in examples)
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_operator(app_configs, **kwargs):
    """`check --deploy` fails while the legal pages would lack the operator's details."""
    from django.conf import settings

    return check_operator_values(getattr(settings, "OPERATOR", {}))


def check_operator_values(operator):
    errors = []
    absent = missing(operator)
    if absent:
        errors.append(
            checks.Error(
                "The operator details for Impressum, Datenschutz, Barrierefreiheit and Kontakt are incomplete "
                "or example values: " + ", ".join(absent),
                hint="Set these environment variables (see .env.example).",
                id="portal.E001",
            )
        )
    if operator.get("accessibility_reviewed_on") and reviewed_on(operator) is None:
        errors.append(
            checks.Error(
                "ACCESSIBILITY_REVIEWED_ON is not a date.",
                hint="Give the day of the last accessibility check as YYYY-MM-DD.",
                id="portal.E002",
            )
        )
    return errors
