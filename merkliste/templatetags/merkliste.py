from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()

BUTTON = "includes/_merkliste_button.html"  # templates/jinja2/: the offer card includes it too


@register.simple_tag(takes_context=True)
def merkliste_button(context, offer):
    """The "Merken" / "Von der Merkliste entfernen" form for `offer`, coming back to this page."""
    request = context.get("request")
    return mark_safe(  # a template's output, escaped there
        get_template(BUTTON, using="jinja2").render(
            {
                "offer": offer,
                "merkliste_ids": context.get("merkliste_ids", ()),
                "next": request.get_full_path() if request is not None else "",
            }
        )
    )
