"""Settings for the test suite: fast hashing, in-memory e-mail, isolated media."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret-glazov"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="glazov-test-media-"))  # noqa: F405
FEEDBACK_PRIVATE_ROOT = Path(tempfile.mkdtemp(prefix="glazov-test-private-"))  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"

# Deferred tasks run at once, inside the test (tests/test_deferred.py runs the database queue too).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The page cache is on as in production; tests start with an empty cache (tests/conftest.py).
PAGE_CACHE_SECONDS = 300

# Logins over HTTP are throttled as in production; the test client's login() (no request) is let
# through. Failed attempts live in the database and go with each test's rollback.
AUTHENTICATION_BACKENDS = [
    "tests.login_backend.AxesBackendAllowingClientLogin",
    "django.contrib.auth.backends.ModelBackend",
]
