"""gunicorn settings for the portal; every value can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers suit a Django site with a database; two per core plus one is gunicorn's rule of thumb.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so a slow leak can never take the site down, but rarely: a restart
# forks the preloaded site again and the new worker copies its memory page by page. At 2000
# requests a worker restarted every few seconds under load and the site served half as many
# requests per second (docs/performance.md); at 20000 that is once an hour on an ordinary day.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Load Django once in the master: workers fork ready, so a restarted worker (max_requests) serves
# at once instead of importing the site again under load. A new release needs a full restart
# (systemctl restart glazov), not a HUP reload, as docs/operations.md says.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
limit_request_line = 8190
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# Residents' status links and staff password-reset links carry a secret: logged as …/status/***/.
logger_class = "site_glazov.log_privacy.MaskingGunicornLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# gunicornc's socket in systemd's RuntimeDirectory (/run/glazov), not in the read-only home.
if os.environ.get("RUNTIME_DIRECTORY"):
    control_socket = os.path.join(os.environ["RUNTIME_DIRECTORY"], "gunicorn.ctl")
wsgi_app = "site_glazov.wsgi:application"
settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "site_glazov.settings.production")
raw_env = [f"DJANGO_SETTINGS_MODULE={settings_module}"]
