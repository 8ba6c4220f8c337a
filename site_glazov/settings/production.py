"""Production: everything that differs between deployments comes from the environment.

A missing or unsafe value stops the site at start-up with a message naming the variable, rather
than running half-configured. deploy/env.example lists every variable; docs/operations.md explains them.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

from .base import *  # noqa: F403
from .base import FEEDBACK_PRIVATE_ROOT, MEDIA_ROOT, env_bool, env_list


def env_required(name):
    """The value of a variable production cannot run without; stops start-up when it is unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Put it in the environment file (see deploy/env.example, docs/operations.md)."
        )
    return value


# The file cache without Redis; deploy/glazov.service's CacheDirectory=glazov creates it.
DEFAULT_CACHE_DIR = "/var/cache/glazov"


def file_cache_folder():
    """Where the file cache lives without Redis: a folder the site may write, never the code's folder.

    CACHE_DIR when set; else the folder systemd made for the unit (CacheDirectory=glazov sets
    CACHE_DIRECTORY); else /var/cache/glazov, the same folder, for manage.py run outside systemd.
    The app folder is read-only under systemd (ProtectSystem=strict): a cache there failed every request.
    """
    folder = Path(os.environ.get("CACHE_DIR") or os.environ.get("CACHE_DIRECTORY") or DEFAULT_CACHE_DIR)
    # FileBasedCache creates a missing folder itself: then its nearest existing parent must be writable.
    existing = next(path for path in (folder, *folder.parents) if path.exists())
    if not (existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)):
        raise ImproperlyConfigured(
            f"The cache folder {folder} cannot be written ({existing} is read-only or not a folder). "
            "Set REDIS_URL, or CACHE_DIR to a folder the site's user may write "
            "(deploy/glazov.service creates /var/cache/glazov with CacheDirectory=glazov)."
        )
    return folder


# Words that mark a key copied from an example or typed by hand (deploy/env.example's is refused too).
PLACEHOLDER_KEY_WORDS = (
    "change-me",
    "changeme",
    "change_me",
    "secret",
    "example",
    "django-insecure",
    "glazov",
)


def strong_secret_key(value):
    """SECRET_KEY, refused when it is a placeholder or too weak to sign sessions and password resets."""
    lowered = value.lower()
    problem = None
    if any(word in lowered for word in PLACEHOLDER_KEY_WORDS):
        problem = "looks like a placeholder or an example value"
    elif len(value) < 50 or len(set(value)) < 5:
        problem = "is too short: it needs at least 50 characters, at least 5 of them different"
    if problem:
        raise ImproperlyConfigured(
            f"SECRET_KEY {problem}. Generate one: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))' (docs/operations.md, section 5)."
        )
    return value


DEBUG = False
SECRET_KEY = strong_secret_key(env_required("SECRET_KEY"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "glazov-gov.ru,www.glazov-gov.ru")
# Only needed when the site is reached under a name nginx does not pass on as Host.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

# PostgreSQL only: a production site that quietly fell back to SQLite would keep residents'
# reports in a file next to the code, outside the backups.
DATABASES = {
    "default": dj_database_url.parse(
        env_required("DATABASE_URL"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL (postgres://user:password@host:5432/name)."
    )

# Residents' photos must never be reachable under /media/, which nginx serves to anyone.
if Path(FEEDBACK_PRIVATE_ROOT).resolve().is_relative_to(Path(MEDIA_ROOT).resolve()):
    raise ImproperlyConfigured(
        "FEEDBACK_PRIVATE_ROOT must lie outside MEDIA_ROOT: nginx serves MEDIA_ROOT publicly."
    )

# The cache must be shared by all gunicorn workers: the menu cache and the report rate limit
# rely on it. Redis when configured, else files on the local disk (one machine only).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "site_glazov.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "glazov",
            "OPTIONS": {
                # Redis away or refusing commands: reads miss and writes are dropped (django-redis).
                "IGNORE_EXCEPTIONS": True,
                # A Redis that hangs costs a request at most about two seconds; then the process
                # goes on without the cache for a while (site_glazov/cache.py).
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "CONNECTION_POOL_KWARGS": {"retry": Retry(NoBackoff(), 1)},
                "REDIS_CLIENT_CLASS": "site_glazov.cache.OutageTolerantRedis",
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(file_cache_folder()),
        }
    }

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS (port 587) or EMAIL_USE_SSL (port 465), not both.")
# A mail server that stops answering must not hold a worker (and the resident) for minutes.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
# Who gets an e-mail with the traceback when a page fails with a server error (500).
ADMINS = [(address, address) for address in env_list("ADMINS")]
EMAIL_SUBJECT_PREFIX = os.environ.get("EMAIL_SUBJECT_PREFIX", "[Портал Глазова]").strip() + " "

# One line per record on stderr: systemd's journal adds the time and the unit's name.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"journal": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "filters": {"mask_secrets": {"()": "site_glazov.log_privacy.MaskSecretsFilter"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "journal", "filters": ["mask_secrets"]}
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Every page save runs background tasks; their start and end would drown the journal.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        # A foreign Host (nginx drops most of them) is one line in the journal, never an e-mail to ADMINS.
        "django.security.DisallowedHost": {"handlers": ["stderr"], "propagate": False},
    },
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
