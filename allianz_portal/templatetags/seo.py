import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from allianz_portal import seo

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _script(data, nonce=None):
    payload = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder).translate(_JSON_ESCAPES)
    nonce_attr = format_html(' nonce="{}"', nonce) if nonce else ""
    return mark_safe(f'<script type="application/ld+json"{nonce_attr}>{payload}</script>')  # escaped JSON


@register.simple_tag(takes_context=True)
def json_ld(context, kind, obj=None):
    """schema.org JSON-LD for an offer, an institution or the page's breadcrumbs."""
    request = context["request"]
    builder = {
        "offer": seo.offer_json_ld,
        "institution": seo.institution_json_ld,
        "breadcrumbs": seo.breadcrumbs_json_ld,
    }[kind]
    return _script(builder(obj, request), nonce=context.get("csp_nonce"))


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's address without query string: filtered list views point search engines to the plain list."""
    request = context["request"]
    return request.build_absolute_uri(request.path)
