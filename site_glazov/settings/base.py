"""Settings shared by every environment of the Glazov portal.

Every deploy-time value is read from the environment with a safe local default,
so a fresh clone runs on SQLite with no configuration at all.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    """Read a yes/no flag from the environment ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "home",
    "news",
    "feedback",
    "subscriptions",
    "compliance",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First: a hit is the stored finished response (security headers included) and returns before
    # any session, user or CSRF cookie is read. It skips static files, media and the admin.
    "home.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "site_glazov.security.ContentSecurityPolicyMiddleware",
    "site_glazov.security.PermissionsPolicyMiddleware",
    "site_glazov.security.AdminInlineScriptNonceMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "feedback.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "site_glazov.admin_language.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "home.visual_mode.VisualModeVaryMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "site_glazov.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "site_glazov.wsgi.application"

# SQLite is the zero-setup default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` on SQLite: the admin's autosave, an editor's publish and a resident's report write
    # at the same moment. WAL lets readers go on while one writes; IMMEDIATE transactions take the
    # write lock when they begin, so two writers queue (for up to `timeout` seconds) instead of
    # failing at once with «database is locked» when both try to turn a read lock into a write one.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Russian is the source; interface strings are written in Russian, so an
# Udmurt reader falls back to the Russian text, never to English.
LANGUAGE_CODE = "ru"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("ru", "Русский"),
    ("en", "English"),
    ("udm", "Удмурт"),
]
# The project's own catalogues, then its corrections to the Russian of Wagtail and wagtail-localize.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "Europe/Samara"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = [("ru", "Русский"), ("en", "English")]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "collected_static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Public uploads (images, renditions) stay readable by nginx under the unit's UMask=0027; residents'
# photos get 0600 and 0700 from their own storage (feedback/models/reports.py).
FILE_UPLOAD_PERMISSIONS = 0o644
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o755

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "glazov",
    }
}
# Public pages are kept for anonymous visitors this many seconds (0: no page cache);
# publishing or changing anything they show drops them at once (docs/page-cache.md).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Each worker also keeps recent pages in its own memory and checks the shared cache for a purge
# at most this often (0: on every request); a purge reaches every worker within this time.
PAGE_CACHE_LOCAL_SECONDS = float(os.environ.get("PAGE_CACHE_LOCAL_SECONDS", "1"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@glazov-gov.ru")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Page editors build long StreamFields; Django's default of 1000 fields is too low.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A multipart body cut short is refused (400) instead of being read as complete; then Django's own.
FILE_UPLOAD_HANDLERS = [
    "feedback.uploads.CompleteBodyUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "wagtailadmin_login"

# Staff logins (the Wagtail admin's /admin/login/) are throttled by django-axes: after 5 wrong
# passwords for one user name from one address, that name is refused from that address for 30
# minutes (each further try starts the 30 minutes again). Counting per name *and* address keeps an
# attacker from locking every editor out everywhere; docs/security.md «Эксплуатация и секреты».
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "site_glazov.login_throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "site_glazov.login_throttle.lockout_response"
AXES_COOLOFF_MESSAGE = _("Слишком много неудачных попыток входа. Попробуйте позже.")
# Failed attempts are kept until the cool-off ends; successful logins are not recorded at all.
AXES_DISABLE_ACCESS_LOG = True

# Wagtail
WAGTAIL_SITE_NAME = _("Официальный портал муниципального образования «Город Глазов»")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Page addresses are Latin (home/slugs.py transliterates Cyrillic titles), so links, feeds and the
# registry's open data stay short and readable instead of %D0%B2… strings.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No avatars from gravatar.com: the admin loads nothing from other hosts (and leaks no staff e-mail hashes).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "russian",
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "rtf", "txt", "xlsx", "ods", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 30 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 15 * 1024 * 1024
# A translation submitted for a live page is not published with it: it starts as a draft and goes
# live when someone who may publish it in that language does (home/localize_guard.py).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAIL_MODERATION_ENABLED = True
# No autosave: it created a page (and its English and Udmurt copies) from the first letters of a
# title and showed «Сохранён» even when the editor's own save then failed. Pages and snippets are
# saved only by their buttons, whose outcome the admin reports; leaving unsaved changes still asks
# first (Wagtail's unsaved-changes warning). See docs/editors.md, «Сохранение».
WAGTAIL_AUTOSAVE_INTERVAL = 0
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]
        },
    }
}

# Security headers in every environment, so the tests and a developer's browser see what production sends
# (HSTS and HTTPS-only cookies are in production.py). docs/security.md explains each choice.
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Public pages: everything from the portal's own address; no inline script, no eval, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# The Wagtail admin (previews included) has a policy of its own: still no inline script but Wagtail's
# own widget start-ups, which get the request's nonce (site_glazov/security.py); inline styles, which
# Draftail and wagtail-localize's editor insert from JavaScript; blob: images, the upload thumbnails.
ADMIN_CSP_PREFIX = "/admin/"
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
    },
}
# Browser features a city portal never asks for, switched off for the site and anything it frames.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Status-link and password-reset tokens in a logged URL become *** (site_glazov/log_privacy.py).
    "filters": {"mask_secrets": {"()": "site_glazov.log_privacy.MaskSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # A request under a foreign Host (scanners, a stranger's DNS record) is noise, not an error for
    # the administrators: one line in the log, never an e-mail to ADMINS (Django's "django" logger
    # would mail it).
    "loggers": {"django.security.DisallowedHost": {"handlers": ["console"], "propagate": False}},
}

# «Решаем вместе»: residents' photos are stored outside MEDIA_ROOT and served to staff only.
FEEDBACK_PRIVATE_ROOT = Path(os.environ.get("FEEDBACK_PRIVATE_ROOT", BASE_DIR / "private_media"))
FEEDBACK_MAX_PHOTOS = 5
FEEDBACK_PHOTO_MAX_BYTES = 10 * 1024 * 1024
# Pixels a photo's header may announce, sized for a 2-core 4 GB server with every gunicorn worker
# decoding at once (feedback/photos.py, docs/security.md). A baseline JPEG is decoded already reduced
# (1/2 to 1/8), so a 64-megapixel phone photo passes; PNG, WebP, HEIC and progressive JPEG are decoded
# whole: a 24-megapixel iPhone HEIC passes, a decompression bomb does not.
FEEDBACK_JPEG_MAX_PIXELS = 80_000_000
FEEDBACK_PHOTO_MAX_PIXELS = 25_000_000
FEEDBACK_PHOTO_MAX_SIDE = 2560
# (reports, seconds) per client; every post that carries photos, refused or not, counts towards
# the second limit (posts, same seconds), so decoding photos cannot be repeated without end. The
# counts are kept in the database (feedback/ratelimit.py). FEEDBACK_RATE_LIMIT=off turns both off:
# only for load tests (bench/concurrent_reports.py), and `check --deploy` warns about it.
_RATE_LIMIT_SECONDS = int(os.environ.get("FEEDBACK_RATE_LIMIT_SECONDS", "600"))
FEEDBACK_RATE_LIMIT = (
    None
    if os.environ.get("FEEDBACK_RATE_LIMIT", "").strip().lower() == "off"
    else (int(os.environ.get("FEEDBACK_RATE_LIMIT_COUNT", "5")), _RATE_LIMIT_SECONDS)
)
FEEDBACK_UPLOAD_RATE_LIMIT = (
    int(os.environ.get("FEEDBACK_UPLOAD_RATE_LIMIT_COUNT", "10")),
    _RATE_LIMIT_SECONDS,
)


def request_meta_key(header):
    """A request header as request.META names it: X-Real-IP and HTTP_X_REAL_IP give HTTP_X_REAL_IP."""
    key = header.strip().upper().replace("-", "_")
    if key in ("", "REMOTE_ADDR"):
        return "REMOTE_ADDR"
    return key if key.startswith("HTTP_") else f"HTTP_{key}"


# The header in which the proxy (nginx) names the client: X-Real-IP, or X-Forwarded-For, whose
# rightmost entry is read. Unset: the connection's own address, right only without a proxy.
FEEDBACK_CLIENT_IP_HEADER = request_meta_key(os.environ.get("FEEDBACK_CLIENT_IP_HEADER", ""))
FEEDBACK_EMAIL_MAX_ATTEMPTS = 10
# Five 10 MB photos and the text fit; anything larger is refused from its headers (HTTP 413).
MAX_REQUEST_BODY_BYTES = int(os.environ.get("MAX_REQUEST_BODY_BYTES", str(60 * 1024 * 1024)))
# Deferred work (every e-mail, Wagtail's search and reference index, the daily jobs) is stored in
# the database and run by `manage.py db_worker` (deploy/glazov-worker.service; `make run` starts
# one). home/deferred.py enqueues after commit and retries with back-off.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Retries of a deferred e-mail: after 1, 3, 9, 27 minutes … at most this many seconds apart.
DEFERRED_RETRY_BASE_SECONDS = 60
DEFERRED_RETRY_MAX_SECONDS = 6 * 3600
# A row claimed for sending longer ago than this, and still not sent, is shown to staff as stuck
# (the worker died mid-send): it is never resent on its own, so nobody gets a message twice.
FEEDBACK_EMAIL_CLAIM_SECONDS = 600

# Subscriptions (subscriptions/): a confirmation link lapses after this many seconds; an address
# may ask for this many unconfirmed subscriptions a day (more requests are answered alike, unsent).
SUBSCRIPTION_CONFIRM_SECONDS = int(os.environ.get("SUBSCRIPTION_CONFIRM_SECONDS", str(3 * 86400)))
SUBSCRIPTION_REQUESTS_PER_DAY = int(os.environ.get("SUBSCRIPTION_REQUESTS_PER_DAY", "5"))
# Requests of the subscribe form one client (feedback/ratelimit.py) may send per window; counted
# in the database with the report limits, and off with them (FEEDBACK_RATE_LIMIT=off).
SUBSCRIPTION_CLIENT_RATE_LIMIT = (
    int(os.environ.get("SUBSCRIPTION_CLIENT_RATE_LIMIT_COUNT", "10")),
    int(os.environ.get("SUBSCRIPTION_CLIENT_RATE_LIMIT_SECONDS", "3600")),
)
