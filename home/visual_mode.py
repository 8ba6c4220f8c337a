"""The version for the visually impaired: the visitor's visual mode, kept in one cookie.

The mode is read from the cookie alone (no database), turned into classes on `<html>` by
the server, and changed by the POST endpoint in home/views.py.
"""

from dataclasses import dataclass, replace

from django.apps import apps
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from home import caching

COOKIE_NAME = "glazov_visual_mode"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
# A real cookie is about 45 characters; anything much longer is not ours.
COOKIE_MAX_LENGTH = 120

SCHEMES = {
    "white": _("Чёрный текст на белом фоне"),
    "black": _("Белый текст на чёрном фоне"),
    "blue": _("Тёмно-синий текст на голубом фоне"),
    "brown": _("Коричневый текст на бежевом фоне"),
}
FONT_SIZES = {
    1: _("Шрифт обычный"),
    2: _("Шрифт крупный"),
    3: _("Шрифт очень крупный"),
}
DEFAULT_SCHEME = "white"


@dataclass(frozen=True)
class VisualMode:
    """One visitor's settings; `active` is False for the normal version of the site.

    `scheme` is None when the visitor has not chosen one: the site's default scheme applies.
    """

    active: bool = False
    scheme: str | None = None
    font: int = 1
    spacing: bool = False
    images: bool = True

    def with_scheme(self, default_scheme):
        """This mode with the site's default scheme filled in where the visitor chose none."""
        if not self.active or self.scheme:
            return self
        return replace(self, scheme=default_scheme if default_scheme in SCHEMES else DEFAULT_SCHEME)

    @property
    def html_class(self):
        """Classes for `<html>`; empty in the normal version."""
        if not self.active:
            return ""
        classes = ["vm", f"vm-scheme-{self.scheme or DEFAULT_SCHEME}", f"vm-font-{self.font}"]
        if self.spacing:
            classes.append("vm-spacing")
        if not self.images:
            classes.append("vm-images-off")
        return " ".join(classes)


NORMAL = VisualMode()

_ON_OFF = {"on": True, "off": False}


def parse(value):
    """The mode stored in a cookie value; anything unknown or malformed falls back to the default.

    A value like ``scheme:black.font:2`` is partial: the settings it lacks take their defaults.
    """
    if not value or len(value) > COOKIE_MAX_LENGTH:
        return NORMAL
    settings = {}
    for pair in value.split("."):
        key, _sep, raw = pair.partition(":")
        if key == "scheme" and raw in SCHEMES:
            settings["scheme"] = raw
        elif key == "font" and raw in {"1", "2", "3"}:
            settings["font"] = int(raw)
        elif key in {"spacing", "images"} and raw in _ON_OFF:
            settings[key] = _ON_OFF[raw]
    if not settings:
        return NORMAL
    return VisualMode(active=True, **settings)


def serialise(mode):
    """The cookie value for a mode (only the characters cookies allow unquoted)."""
    parts = [f"scheme:{mode.scheme}"] if mode.scheme else []
    parts += [
        f"font:{mode.font}",
        f"spacing:{'on' if mode.spacing else 'off'}",
        f"images:{'on' if mode.images else 'off'}",
    ]
    return ".".join(parts)


def apply_choice(mode, data):
    """The mode after the visitor pressed one panel button (posted as name=value in `data`)."""
    changes = {"active": True}
    if data.get("scheme") in SCHEMES:
        changes["scheme"] = data["scheme"]
    if data.get("font") in {"1", "2", "3"}:
        changes["font"] = int(data["font"])
    for key in ("spacing", "images"):
        if data.get(key) in _ON_OFF:
            changes[key] = _ON_OFF[data[key]]
    return replace(mode, **changes)


def get_mode(request):
    """The visitor's mode from the cookie, parsed once per request."""
    return caching.per_request(request, "visual_mode", lambda: parse(request.COOKIES.get(COOKIE_NAME)))


def get_effective_mode(request, mode=None):
    """The mode (the visitor's by default) with the site's default scheme filled in.

    The site setting is read only in the accessible mode, so the normal version costs no query.
    """
    mode = get_mode(request) if mode is None else mode
    if mode.active and not mode.scheme:
        # Looked up by name: home.models.settings imports this module for the schemes.
        settings_model = apps.get_model("home", "AccessibilitySettings")
        mode = mode.with_scheme(settings_model.for_request(request).default_scheme)
    return mode


class VisualModeVaryMiddleware:
    """Marks HTML responses as varying on cookies, so no cache serves one visitor's mode to another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            patch_vary_headers(response, ("Cookie",))
        return response
