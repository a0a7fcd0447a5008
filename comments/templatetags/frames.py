"""{% reader_part "template.html" %}: a part of the page that shows who is
reading it (comments.frames). Included as {% include %} would, with the
page's context; in a page rendered once for every reader, it is rendered
for each reader instead, with the reader, the request and the CSRF token,
and kept under the board's version: it may show the reader's name, which a
new version follows, and nothing else of them that changes."""

from django import template
from django.utils.safestring import mark_safe

from comments.frames import MARKERS, PART

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_part(context, template_name):
    marker = context.get(MARKERS)
    if marker is not None:
        return mark_safe(marker(PART + template_name))
    return context.template.engine.get_template(template_name).render(context)
