"""What every public form shares: protection without cookies, KERN markup and an error summary.

Public GET pages set no cookie, so there is no CSRF cookie to check a POST against. Each public form (offer
suggestion, enquiry, transfer need, search alert) carries instead:
- a signed timestamp token (django.core.signing) rendered into the form: a POST without a valid token is
  refused, one sent less than MIN_SECONDS after rendering is refused politely (time trap), one older than
  MAX_AGE asks to send again; each token is accepted once (used tokens are remembered in the shared cache
  until they expire), so a captured token cannot be replayed;
- a honeypot field hidden from people (`hidden` attribute): filled in → pretend success, store nothing;
- a rate limit per client address (django-ratelimit, counted in the shared "ratelimit" cache, address from
  allianz_portal.clientaddr) → HTTP 429 with a German page.
"""

import hashlib
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

TOKEN_SALT = "offers.submission"  # the first public form's salt; kept so rendered forms stay valid
MIN_SECONDS = 3
MAX_AGE = 24 * 60 * 60


def make_token(now=None):
    """A signed render time plus a random part, so that every rendered form has its own single-use token."""
    payload = {"t": now if now is not None else time.time(), "n": secrets.token_urlsafe(9)}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def consume_token(token):
    """True the first time a form token is used; every later use is refused until the token has expired."""
    key = "offers:used-token:" + hashlib.sha256(token.encode()).hexdigest()
    return caches[settings.RATELIMIT_USE_CACHE].add(key, 1, timeout=MAX_AGE + 60)


class RateLimit:
    """At most `limit` uses per client address and `period` ("h" or "d") for one group of forms."""

    def __init__(self, group, limit, period="h"):
        self.group, self.limit, self.rate = group, limit, f"{limit}/{period}"

    def reached(self, request):
        """True when the visitor's address has used up this window (counts nothing)."""
        usage = get_usage(request, group=self.group, key="ip", rate=self.rate, increment=False)
        return usage is not None and usage["count"] >= self.limit

    def count(self, request):
        """Count one use; False when it is one too many. add + incr in the shared cache are atomic, so
        parallel posts from many workers get distinct counts and no more than `limit` pass."""
        usage = get_usage(request, group=self.group, key="ip", rate=self.rate, increment=True)
        return usage is None or not usage["should_limit"]


LIMITED, SPAM, ACCEPTED, INVALID = "limited", "spam", "accepted", "invalid"


def check_post(request, form, limit):
    """The one order of checks for a posted public form: rate limit, honeypot, fields and token, then count.

    Returns LIMITED (answer 429 with rate_limited.html), SPAM (pretend success, store nothing), ACCEPTED
    (store it) or INVALID (show the form again with its errors, status 400). Every send counts once against
    `limit`, a spam one too; a form with errors does not."""
    if limit.reached(request):
        return LIMITED
    if form.is_spam():
        limit.count(request)
        return SPAM
    if not form.accept():
        return INVALID
    return ACCEPTED if limit.count(request) else LIMITED


class PublicForm(forms.Form):
    """Base of the public forms: honeypot + single-use token, KERN widget classes, error summary."""

    homepage = forms.CharField(label=_("Bitte dieses Feld leer lassen"), required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    anchor = "formular"  # id of the <form>, the target of non-field errors in the summary
    BASE_CLASSES = {
        forms.Textarea: "kern-form-input__input",
        forms.Select: "kern-form-input__select",
        forms.SelectMultiple: "kern-form-input__select",
        forms.CheckboxSelectMultiple: "kern-form-check__checkbox",
        forms.RadioSelect: "kern-form-check__radio",
        forms.CheckboxInput: "kern-form-check__checkbox",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial.setdefault("token", make_token())

    def is_spam(self):
        return bool(self.data.get("homepage", "").strip())

    def check_token(self, now=None):
        """None if the token is fine, else a German message (expired/forged, or sent too fast)."""
        now = now if now is not None else time.time()
        try:
            rendered = float(signing.loads(self.data.get("token", ""), salt=TOKEN_SALT, max_age=MAX_AGE)["t"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            rendered = None
        if rendered is None or now - rendered > MAX_AGE:
            return _(
                "Das Formular ist abgelaufen oder konnte nicht geprüft werden. "
                "Ihre Angaben stehen noch im Formular: bitte senden Sie es noch einmal ab."
            )
        if now - rendered < MIN_SECONDS:
            return _(
                "Das ging schneller, als ein Mensch das Formular ausfüllen kann. "
                "Bitte prüfen Sie Ihre Angaben und senden Sie das Formular noch einmal ab."
            )
        return None

    def accept(self):
        """Validate fields and token; consume the token only when everything else is fine.

        Returns True when the form may be stored. On False the errors are on the form and a fresh token is
        rendered, so the visitor can correct and send again.
        """
        valid = self.is_valid()
        problem = self.check_token()
        if problem:
            self.add_error(None, problem)
        elif valid and not consume_token(self.data["token"]):
            self.add_error(
                None,
                _(
                    "Dieses Formular wurde schon einmal abgeschickt. Möchten Sie es noch einmal senden, "
                    "prüfen Sie bitte Ihre Angaben und schicken Sie es erneut ab."
                ),
            )
        else:
            return valid
        self.renew_token()
        return False

    def renew_token(self):
        data = self.data.copy()
        data["token"] = make_token()
        self.data = data

    def prepare_widgets(self):
        """KERN classes, aria-invalid and aria-describedby (hint and error ids) on every input."""
        for name, field in self.fields.items():
            widget = field.widget
            base = self.BASE_CLASSES.get(type(widget), "kern-form-input__input")
            has_error = name in self.errors
            classes = [base] + ([f"{base}--error"] if has_error else [])
            described = ([f"id_{name}-hint"] if field.help_text else []) + ([f"id_{name}-error"] if has_error else [])
            widget.attrs["class"] = " ".join(classes)
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            if has_error:
                widget.attrs["aria-invalid"] = "true"

    def error_summary(self):
        """[(anchor id, message)] in the order of the form; the anchor is the field's first input."""
        if not self.is_bound:
            return []
        entries = [(self.anchor, message) for message in self.non_field_errors()]
        for name in self.fields:
            if name in self.errors:
                widget = self.fields[name].widget
                multiple = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
                entries.extend((f"id_{name}_0" if multiple else f"id_{name}", m) for m in self.errors[name])
        return entries
