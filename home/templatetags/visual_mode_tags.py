"""Template tags of the version for the visually impaired: `<html>` classes, the panel, content images."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from home import visual_mode

register = template.Library()


def _mode(context):
    request = context.get("request")
    return visual_mode.get_effective_mode(request) if request is not None else visual_mode.NORMAL


@register.simple_tag(takes_context=True)
def visual_mode_class(context):
    """The visitor's mode as classes for `<html>` (empty in the normal version)."""
    return _mode(context).html_class


@register.inclusion_tag("components/visual_mode_panel.html", takes_context=True)
def visual_mode_panel(context):
    """The panel «Версия для слабовидящих»: a form of buttons that works without JavaScript."""
    request = context["request"]
    mode = _mode(context)
    return {
        "request": request,
        "mode": mode,
        "next_url": request.get_full_path(),
        "schemes": [
            (key, label, mode.active and mode.scheme == key) for key, label in visual_mode.SCHEMES.items()
        ],
        "font_sizes": [
            (size, label, mode.active and mode.font == size) for size, label in visual_mode.FONT_SIZES.items()
        ],
    }


def image_alt(image, alt=None):
    """The text alternative of an image: the given one, the block's own, else the image's default."""
    if alt is not None:
        return alt
    if getattr(image, "decorative", False):
        return ""
    return getattr(image, "contextual_alt_text", None) or image.default_alt_text


@register.simple_tag(takes_context=True)
def content_image(context, image, filter_spec, alt=None, href=None, **attrs):
    """A content image, or its text «Изображение: …» when the visitor turned images off.

    `alt=""` marks a decorative image (it disappears with images off). With `href` the image
    (or its text) is a link, named by the alt text. Every template shows content images
    through this tag so the images-off setting reaches them all.
    """
    if not image:
        return ""
    text = image_alt(image, alt)
    if _mode(context).images:
        # get_renditions, unlike get_rendition, writes nothing back to the cache for a rendition the
        # listing prefetched: get_rendition costs a Redis round trip per image on every render.
        rendition = next(iter(image.get_renditions(filter_spec).values()))
        html = rendition.img_tag({**attrs, "alt": text})
    elif text:
        html = format_html('<span class="image-off">{}</span>', _("Изображение: %(alt)s") % {"alt": text})
    else:
        html = ""
    if href and html:
        return format_html('<a href="{}" class="image-link">{}</a>', href, html)
    return html
