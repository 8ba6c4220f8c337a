"""The files in deploy/ agree with each other and with the settings: the environment example lists
every variable the site reads, nginx serves the folders the settings name (and never the residents'
photos), the systemd units may write where the site writes, and nginx and systemd accept them."""

import contextlib
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

from tests.test_production_settings import run_manage

BASE = settings.BASE_DIR
DEPLOY = BASE / "deploy"
ENV_EXAMPLE = DEPLOY / "env.example"
NGINX = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
ASSIGNMENT = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$")
# Where the site, gunicorn and the scripts read their environment.
READERS = [*sorted((BASE / "site_glazov" / "settings").glob("*.py")), BASE / "gunicorn.conf.py"]
SCRIPTS = sorted(DEPLOY.glob("*.sh"))


def example_lines():
    return ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()


def example(active_only=True):
    """env.example's KEY=value lines (with the commented-out defaults unless ``active_only``)."""
    values = {}
    for line in example_lines():
        match = ASSIGNMENT.match(line)
        if match and (not active_only or not line.startswith("#")):
            values[match[1]] = match[2]
    return values


def variables_read():
    names = set()
    for path in READERS:
        source = path.read_text(encoding="utf-8")
        names |= set(
            re.findall(r"""(?:environ(?:\.get)?|env_\w+)[(\[]\s*["']([A-Z][A-Z0-9_]*)["']""", source)
        )
    for path in SCRIPTS:
        names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)[:}]", path.read_text(encoding="utf-8")))
    # The scripts' own switches are given on their command line, systemd sets the *_DIRECTORY ones.
    return names - {"GLAZOV_ENV_FILE", "GLAZOV_VENV", "RUNTIME_DIRECTORY", "CACHE_DIRECTORY"}


def test_every_variable_the_site_reads_is_in_the_example():
    missing = variables_read() - set(example(active_only=False))
    assert not missing, f"document these in deploy/env.example: {sorted(missing)}"
    stale = set(example()) - variables_read() - {"DJANGO_SETTINGS_MODULE"}
    assert not stale, f"nothing reads these any more: {sorted(stale)}"


def test_the_example_is_plain_key_value_lines_that_systemd_and_the_scripts_read_alike():
    for line in example_lines():
        if line and not line.startswith("#"):
            assert ASSIGNMENT.match(line), f"not KEY=value: {line!r}"
            assert not re.search(r"[\s'\"$`\\]", line), f"quotes, spaces or $ read differently: {line!r}"
    # The scripts' reader (deploy/env.sh) gets exactly the active lines.
    shown = subprocess.run(
        ["/bin/bash", "-c", ". deploy/env.sh; load_glazov_env; env -0"],
        env={"PATH": os.environ["PATH"], "GLAZOV_ENV_FILE": str(ENV_EXAMPLE)},
        cwd=BASE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    loaded = dict(item.split("=", 1) for item in shown.split("\0") if "=" in item)
    assert {key: loaded.get(key) for key in example()} == example()


def test_the_example_passes_the_deployment_checks():
    result = run_manage(
        "check", "--deploy", **{**example(), "SECRET_KEY": "deploy-files-test-" + "s3cr3t" * 10}
    )
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def nginx_alias(location):
    return re.search(rf"location {re.escape(location)} \{{\s*alias ([^;]+);", NGINX)[1]


def test_nginx_serves_the_folders_the_settings_name_and_never_the_residents_photos():
    env = example()
    assert nginx_alias(settings.STATIC_URL) == env["STATIC_ROOT"] + "/"
    assert nginx_alias(settings.MEDIA_URL) == env["MEDIA_ROOT"] + "/"
    assert env["FEEDBACK_PRIVATE_ROOT"] not in NGINX
    assert not Path(env["FEEDBACK_PRIVATE_ROOT"]).is_relative_to(env["MEDIA_ROOT"])
    # Documents go through the app, which checks private collections.
    assert re.search(r"location /media/documents/ \{\s*return 404;", NGINX)
    # Only files named by their content's hash are cached for a year.
    assert re.search(
        r'location ~ "\\\.\[0-9a-f\]\{12\}\\\.\[A-Za-z0-9\]\+\$" \{\s*add_header Cache-Control '
        r'"public, max-age=31536000, immutable"',
        NGINX,
    )


def test_nginx_passes_what_the_settings_rely_on():
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX  # SECURE_PROXY_SSL_HEADER
    assert "proxy_set_header X-Real-IP $remote_addr;" in NGINX  # FEEDBACK_CLIENT_IP_HEADER
    assert example()["FEEDBACK_CLIENT_IP_HEADER"] == "HTTP_X_REAL_IP"
    assert "proxy_set_header Host $host;" in NGINX  # ALLOWED_HOSTS, CSRF's origin check
    upstream = re.search(r"upstream glazov_app \{[^}]*server ([\d.:]+)", NGINX)[1]
    gunicorn = subprocess.run(  # noqa: S603
        [str(Path(sys.executable).with_name("gunicorn")), "--print-config", "-c", "gunicorn.conf.py"],
        env={"PATH": os.environ["PATH"]},
        cwd=BASE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(rf"^bind\s+= \['{re.escape(upstream)}'\]$", gunicorn, re.MULTILINE)


def test_nginx_lets_the_app_refuse_oversized_reports_itself():
    """The app answers a too-large report with its own translated page only if nginx lets it through."""
    size, unit = re.search(r"client_max_body_size (\d+)([km]?);", NGINX).groups()
    nginx_bytes = int(size) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]
    assert nginx_bytes > settings.MAX_REQUEST_BODY_BYTES
    assert settings.MAX_REQUEST_BODY_BYTES >= settings.FEEDBACK_MAX_PHOTOS * settings.FEEDBACK_PHOTO_MAX_BYTES


needs_nginx = pytest.mark.skipif(
    not Path("/usr/sbin/nginx").exists(),
    reason="nginx is not installed here (`make system-deps` installs it)",
)


def nginx_config(tmp_path, site=NGINX):
    """The site inside a main nginx.conf, with the certificate, folders and logs under ``tmp_path``."""
    for path in ("/srv/glazov/static/", "/srv/glazov/media/"):
        site = site.replace(path, str(tmp_path) + path)
    (tmp_path / "ssl").mkdir()
    subprocess.run(  # noqa: S603
        [
            "/usr/bin/openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=glazov-gov.ru",
            "-keyout",
            str(tmp_path / "ssl/privkey.pem"),
            "-out",
            str(tmp_path / "ssl/fullchain.pem"),
        ],
        capture_output=True,
        check=True,
    )
    site = site.replace("/etc/ssl/glazov/", f"{tmp_path}/ssl/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp_paths = "".join(
        f"{kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "include /etc/nginx/modules-enabled/*.conf;\nevents {}\n"
        f"http {{ {temp_paths} include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    return tmp_path / "nginx.conf"


@needs_nginx
def test_nginx_accepts_the_site(tmp_path):
    """`nginx -t` on the site, with the certificate and folders moved under a temporary directory."""
    result = subprocess.run(  # noqa: S603
        ["/usr/sbin/nginx", "-t", "-c", str(nginx_config(tmp_path))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SECRET = "Zq3vR8kLmN2pX7sT1uW4yA6bC9dE0fGhIjKlMnOpQrS"


def test_nginx_logs_status_and_reset_links_masked():
    """Every server, the two that drop foreign names too, writes the access log in the masking format
    (checked live below)."""
    assert NGINX.count("server {") == 4
    assert NGINX.count("access_log /var/log/nginx/access.log glazov_masked;") == 4
    assert (
        "log_format glazov_masked" in NGINX and "$glazov_log_uri" in NGINX and "$glazov_log_referer" in NGINX
    )
    assert "$request " not in NGINX and "$request_uri $status" not in NGINX


def server_blocks():
    """The text of each top-level ``server { … }`` of the site."""
    blocks = []
    for start in (match.start() for match in re.finditer(r"^server \{", NGINX, re.MULTILINE)):
        depth = 0
        for index in range(start, len(NGINX)):
            depth += {"{": 1, "}": -1}.get(NGINX[index], 0)
            if NGINX[index] == "}" and depth == 0:
                blocks.append(NGINX[start : index + 1])
                break
    return blocks


def test_nginx_drops_requests_under_a_foreign_host():
    """A default server for each port answers nothing (444); over HTTPS it refuses the handshake."""
    defaults = [block for block in server_blocks() if "default_server" in block]
    assert len(defaults) == 2
    for block in defaults:
        assert "server_name _;" in block and "return 444;" in block
        assert "proxy_pass" not in block
    http, https = defaults
    assert "listen 80 default_server;" in http and "listen [::]:80 default_server;" in http
    assert "listen 443 ssl http2 default_server;" in https
    assert "listen [::]:443 ssl http2 default_server;" in https
    assert "ssl_reject_handshake on;" in https
    # The site's own servers answer only its names.
    for block in server_blocks():
        if "default_server" not in block:
            assert "server_name glazov-gov.ru www.glazov-gov.ru;" in block


@contextlib.contextmanager
def running_nginx(tmp_path):
    """The site's nginx on two free local ports (http, https), in the foreground; yields the ports."""
    http_port, https_port = free_port(), free_port()
    site = re.sub(r"^\s*listen \[::\]:(80|443)\b.*$", "", NGINX, flags=re.MULTILINE)
    site = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http_port}", site)
    site = re.sub(r"listen 443\b", f"listen 127.0.0.1:{https_port}", site)
    config = nginx_config(tmp_path, site)
    server = subprocess.Popen(  # noqa: S603
        ["/usr/sbin/nginx", "-c", str(config), "-g", "daemon off; master_process off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=5).close()
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, server.stderr.read() if server.poll() else "not started"
                time.sleep(0.1)
        yield http_port, https_port
    finally:
        server.terminate()
        server.wait(timeout=15)


def get(port, path, host="glazov-gov.ru", **headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host, **headers})
        return connection.getresponse().status
    finally:
        connection.close()


@needs_nginx
def test_a_running_nginx_masks_secret_links_in_its_access_log(tmp_path):
    """The http:// server (a redirect, no app needed) on a free local port; its access log is read."""
    paths = {
        f"/ru/feedback/status/{SECRET}/": "/ru/feedback/status/***/",
        f"/en/feedback/status/{SECRET}/?from=mail": "/en/feedback/status/***/?from=mail",
        f"/admin/password_reset/confirm/MTI/cv8x1a-{SECRET}/": "/admin/password_reset/confirm/MTI/***/",
        "/admin/password_reset/confirm/MTI/set-password/": "/admin/password_reset/confirm/MTI/set-password/",
        "/ru/news/": "/ru/news/",
    }
    with running_nginx(tmp_path) as (http_port, _https_port):
        for path in paths:
            referer = f"https://glazov-gov.ru/ru/feedback/status/{SECRET}/"
            assert get(http_port, path, Referer=referer) == 301
    log = (tmp_path / "access.log").read_text(encoding="utf-8")
    assert SECRET not in log
    for masked in paths.values():
        assert f'"GET {masked} HTTP/1.1" 301 ' in log, log
    assert '"https://glazov-gov.ru/ru/feedback/status/***/"' in log


@needs_nginx
def test_a_running_nginx_answers_nothing_to_a_foreign_host(tmp_path):
    """http:// closes the connection unanswered; https:// refuses the handshake for another name, and
    a request for another Host over the site's own certificate is dropped too. The app sees none."""
    tls = ssl.create_default_context()
    tls.check_hostname, tls.verify_mode = False, ssl.CERT_NONE
    with running_nginx(tmp_path) as (http_port, https_port):
        assert get(http_port, "/ru/", host="glazov-gov.ru") == 301
        for host in ("evil.example", "127.0.0.1"):
            with pytest.raises(http.client.RemoteDisconnected):
                get(http_port, f"/ru/feedback/status/{SECRET}/", host=host)
        # No certificate for a name that is not the site's, nor for no name at all.
        for name in ("evil.example", None):
            with (
                socket.create_connection(("127.0.0.1", https_port), timeout=5) as raw,
                pytest.raises(ssl.SSLError),
            ):
                tls.wrap_socket(raw, server_hostname=name)
        with (
            socket.create_connection(("127.0.0.1", https_port), timeout=5) as raw,
            tls.wrap_socket(raw, server_hostname="glazov-gov.ru") as secure,
        ):
            secure.sendall(b"GET /ru/ HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
            assert secure.recv(1024) == b""
    log = (tmp_path / "access.log").read_text(encoding="utf-8")
    assert SECRET not in log
    assert '"GET /ru/feedback/status/***/ HTTP/1.1" 444 ' in log


def units():
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(DEPLOY.glob("glazov*.[st]*"))}


def directive(unit, name):
    return re.findall(rf"^{name}=(.*)$", unit, re.MULTILINE)


def test_the_services_may_write_where_the_site_writes():
    env = example()
    site = units()["glazov.service"]
    writable = directive(site, "ReadWritePaths")[0].split()
    assert env["MEDIA_ROOT"] in writable and env["FEEDBACK_PRIVATE_ROOT"] in writable
    assert directive(units()["glazov-backup.service"], "ReadWritePaths") == [env["BACKUP_DIR"]]
    # Without REDIS_URL the site and the jobs that change pages share a file cache outside the
    # read-only code: systemd creates the folder production's settings use by default.
    production = (BASE / "site_glazov" / "settings" / "production.py").read_text(encoding="utf-8")
    default_cache = re.search(r'^DEFAULT_CACHE_DIR = "([^"]+)"$', production, re.MULTILINE)[1]
    for name in (
        "glazov.service",
        "glazov-worker.service",
        "glazov-publish-scheduled.service",
        "glazov-send-feedback-emails.service",
        "glazov-daily.service",
    ):
        cache_folders = ["/var/cache/" + folder for folder in directive(units()[name], "CacheDirectory")]
        assert cache_folders == [default_cache], name
    assert not any(path.lstrip("-").startswith("/srv/glazov/app") for path in writable)
    # What the site creates is closed to other users; public media are opened up by the settings.
    assert directive(site, "UMask") == ["0027"]
    for unit in units().values():
        for path in directive(unit, "EnvironmentFile"):
            assert path == "/etc/glazov/env"


def test_the_timers_run_the_scheduled_jobs():
    """Publishing every 5 minutes, the e-mail safety net hourly, the daily jobs (mandatory
    information reminders among them) in the morning, the backup nightly; each command exists."""
    all_units = units()
    schedules = {
        "glazov-publish-scheduled": ("*:0/5", "publish_scheduled"),
        "glazov-send-feedback-emails": ("*:17", "send_feedback_emails"),
        "glazov-daily": ("*-*-* 07:00:00", "enqueue_daily_tasks"),
        "glazov-backup": ("*-*-* 02:30:00", None),
    }
    for name, (calendar, command) in schedules.items():
        assert directive(all_units[f"{name}.timer"], "OnCalendar") == [calendar]
        exec_start = directive(all_units[f"{name}.service"], "ExecStart")[0]
        if command:
            assert exec_start.endswith(f"manage.py {command}") and command in get_commands()
        else:
            assert exec_start == "/srv/glazov/app/deploy/backup.sh"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_units(tmp_path):
    """systemd-analyze verify, with the app's paths pointed at this checkout (it checks they exist)."""
    for name, text in units().items():
        text = text.replace("/srv/glazov/app/.venv/bin/", f"{Path(sys.executable).parent}/")
        text = text.replace("/srv/glazov/app", str(BASE)).replace("/etc/glazov/env", str(ENV_EXAMPLE))
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", "--man=no", *sorted(str(path) for path in tmp_path.iterdir())],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_the_guide_restores_with_what_the_backup_test_runs():
    """docs/operations.md tells the operator the commands tests/test_backup_restore.py runs."""
    from tests.test_backup_restore import CLEAR_CACHE

    guide = (BASE / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "sudo -u glazov /srv/glazov/app/deploy/backup.sh\n" in guide
    assert "sudo -u glazov /srv/glazov/app/deploy/restore.sh /var/backups/glazov/glazov-" in guide
    assert "restore.sh --database-url postgres:///glazov_check \\\n    --media-root" in guide
    assert "--private-root /srv/glazov/check/private" in guide
    assert "sudo -u glazov deploy/manage.sh migrate\n" in guide
    assert f"sudo -u glazov deploy/manage.sh shell --no-imports -c '{CLEAR_CACHE}'" in guide
    # Every file the guide has the operator copy from deploy/ exists.
    for name in re.findall(r"deploy/([\w.-]+\.(?:service|timer|conf|example|sh))\b", guide):
        assert (DEPLOY / name).exists(), name


def test_nginx_limits_the_rate_of_form_posts_only():
    """Public POSTs (the report form) are limited per address before they reach gunicorn; pages are not."""
    key = re.search(r'map "\$request_method:\$uri" \$glazov_form_post \{([^}]*)\}', NGINX)[1]
    assert re.search(r'"~\^POST:/\(ru\|en\|udm\)/" \$binary_remote_addr;', key)
    assert 'default "";' in key  # an empty key is not counted: GET and the admin pass freely
    assert re.search(r"limit_req_zone \$glazov_form_post zone=glazov_forms:\d+m rate=\d+r/m;", NGINX)
    proxied = re.search(r"location / \{([^}]*)\}", NGINX)[1]
    assert re.search(r"limit_req zone=glazov_forms burst=\d+ nodelay;", proxied)
    assert "limit_req_status 429;" in proxied


def test_the_site_service_has_a_memory_ceiling():
    site = units()["glazov.service"]
    assert directive(site, "MemoryHigh") == ["2G"]
    assert directive(site, "MemoryMax") == ["2560M"]


# What confines the site's process; the task worker runs the same code on the same data.
HARDENING = [
    "User",
    "Group",
    "WorkingDirectory",
    "EnvironmentFile",
    "UMask",
    "ProtectSystem",
    "ReadWritePaths",
    "CacheDirectory",
    "CacheDirectoryMode",
    "ProtectHome",
    "PrivateTmp",
    "PrivateDevices",
    "NoNewPrivileges",
    "ProtectKernelTunables",
    "ProtectControlGroups",
    "RestrictSUIDSGID",
]


def test_the_task_worker_is_hardened_like_the_site_and_runs_every_queue():
    site, worker = units()["glazov.service"], units()["glazov-worker.service"]
    for name in HARDENING:
        assert directive(worker, name) == directive(site, name), name
        assert directive(worker, name), name
    assert directive(worker, "WantedBy") == ["multi-user.target"]
    assert directive(worker, "Restart") == ["always"]
    # A memory ceiling of its own, below the site's.
    assert directive(worker, "MemoryMax") and directive(worker, "MemorySwapMax") == ["0"]
    command = directive(worker, "ExecStart")[0].split()
    assert command[:3] == ["/srv/glazov/app/.venv/bin/python", "manage.py", "db_worker"]
    assert "db_worker" in get_commands()
    assert "--no-reload" in command  # production never reloads mid-task
    assert command[command.index("--queue-name") + 1] == "*"  # Wagtail's tasks and ours alike
    # The daily job prunes the finished tasks with the command the package ships.
    daily = directive(units()["glazov-daily.service"], "ExecStart")
    assert any("manage.py prune_db_task_results" in line for line in daily)
    assert "prune_db_task_results" in get_commands()


def test_production_queues_tasks_in_the_database_and_tests_run_them_at_once():
    from tests.test_production_settings import DATABASE, production_settings

    env = {"SECRET_KEY": "deploy-files-test-" + "s3cr3t" * 10, "DATABASE_URL": DATABASE}
    production = production_settings(["TASKS"], **env)["TASKS"]
    assert production["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"


def test_make_run_starts_the_worker_beside_the_server():
    makefile = (BASE / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^run: .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)[1]
    assert "$(MANAGE) db_worker" in recipe and "&" in recipe
    assert "$(MANAGE) runserver" in recipe
    assert "trap" in recipe  # the worker stops with the server
