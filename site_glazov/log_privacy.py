"""Secrets that travel in URLs kept out of the logs: gunicorn's access log and the site's own records.

A resident's status link (…/status/<token>/) and a staff password-reset link
(/admin/password_reset/confirm/<uid>/<token>/) open what they point at to whoever has them; a log
line is read by more people and kept longer than the link is meant to live. deploy/nginx.conf masks
the same segments in nginx's access log (its `map`), with the same marker.
"""

import logging
import re

from gunicorn.glogging import Logger

MASK = "***"

# The segment after /status/, and the reset token after the user's id (but not Django's own
# "set-password" step, which it redirects to once the token is checked).
SECRET_SEGMENTS = re.compile(
    r"(?P<before>/status/)[^/?#\s\"]+"
    r"|(?P<reset>/password_reset/confirm/[^/?#\s\"]+/)(?!set-password(?:[/?#\s\"]|$))[^/?#\s\"]+"
)


def mask_secrets(text):
    """``text`` with every secret URL segment replaced by ``MASK``."""
    if "/status/" not in text and "/password_reset/confirm/" not in text:
        return text
    return SECRET_SEGMENTS.sub(lambda match: (match["before"] or match["reset"]) + MASK, text)


class MaskSecretsFilter(logging.Filter):
    """A logging filter for the site's handlers: «Not Found: /ru/feedback/status/<token>/» and the like."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class MaskingGunicornLogger(Logger):
    """gunicorn's logger whose access-log fields (request line, path, referer, headers) are masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: mask_secrets(value) if isinstance(value, str) else value for key, value in atoms.items()}
