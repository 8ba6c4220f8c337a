"""Local development: debug on, console e-mail, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-glazov"  # noqa: S105 - never used outside a developer's machine
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

# Serve static files straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
