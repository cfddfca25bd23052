from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def merkliste_button(context, offer):
    """The "Merken" / "Von der Merkliste entfernen" form for `offer` (the one template the offer card
    includes too: merkliste/jinja2/merkliste/button.html)."""
    return mark_safe(  # a template's output, escaped there
        get_template("merkliste/button.html", using="jinja2").render(
            {"offer": offer, "merkliste_ids": context.get("merkliste_ids", ()), "request": context.get("request")}
        )
    )
