"""nginx in front of gunicorn as in production: deploy/nginx.conf itself, moved onto this machine's loopback.

The site's server block of deploy/nginx.conf is kept as it is (compression, static files with their
.br/.gz copies and cache headers, media, the form rate limit, proxy headers) and only what ties it
to the real server is replaced: it listens over plain HTTP on a free 127.0.0.1 port instead of
443 with the certificate, tells the app the request came over HTTPS (as the real one does), proxies
to the benchmark's gunicorn and serves STATIC_ROOT and MEDIA_ROOT from their temporary places.
The catch-all and redirect server blocks (444, 301) are left out: there is only one name here.
"""

import contextlib
import os
import re
import subprocess
import time
from pathlib import Path

from bench.common import ROOT
from bench.server import fetch, free_port, stop

DEPLOY_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = "/usr/sbin/nginx"
MODULES = Path("/usr/lib/nginx/modules")
BROTLI_MODULES = ["ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so"]
MIME_TYPES = Path("/etc/nginx/mime.types")


def server_blocks(text):
    """The top-level `server { ... }` blocks of an nginx configuration, with their spans."""
    blocks = []
    for match in re.finditer(r"^server\s*\{", text, re.M):
        depth, position = 0, match.start()
        for position in range(match.end() - 1, len(text)):
            if text[position] == "{":
                depth += 1
            elif text[position] == "}":
                depth -= 1
                if depth == 0:
                    break
        blocks.append((match.start(), position + 1))
    return blocks


def local_site_conf(deploy_text, *, port, upstream_port, static_root, media_root, log_dir):
    """deploy/nginx.conf's http-level part for this machine (see the module's docstring)."""
    parts, kept = [], 0
    site_blocks = 0
    for start, end in server_blocks(deploy_text):
        block = deploy_text[start:end]
        parts.append(deploy_text[kept:start])
        kept = end
        if re.search(r"^\s*return\s+(444|301)\b", block, re.M):
            continue  # the catch-all and the redirect to https
        site_blocks += 1
        block = re.sub(r"^\s*listen\s.*\n", "", block, flags=re.M)
        block = re.sub(r"^\s*ssl_\w+\s.*\n", "", block, flags=re.M)
        block = block.replace("{", f"{{\n    listen 127.0.0.1:{port};", 1)
        block = _replace(block, "X-Forwarded-Proto $scheme;", "X-Forwarded-Proto https;")
        block = _replace(block, "/srv/glazov/static/", f"{static_root}/")
        block = _replace(block, "/srv/glazov/media/", f"{media_root}/")
        parts.append(block)
    parts.append(deploy_text[kept:])
    if site_blocks != 1:
        raise ValueError(f"deploy/nginx.conf: expected one site server block, found {site_blocks}")
    text = "".join(parts)
    text = _replace(text, "server 127.0.0.1:8000 ", f"server 127.0.0.1:{upstream_port} ")
    return re.sub(r"/var/log/nginx/access\.log", f"{log_dir}/access.log", text)


def _replace(text, old, new):
    """str.replace that fails loudly when deploy/nginx.conf no longer has what it replaces."""
    if old not in text:
        raise ValueError(f"deploy/nginx.conf no longer contains {old!r}: update bench/nginx.py")
    return text.replace(old, new)


def main_conf(site_conf, work_dir):
    """A whole nginx.conf around the site part: no daemon, everything under work_dir."""
    modules = "".join(f"load_module {MODULES / name};\n" for name in BROTLI_MODULES)
    temp = "".join(
        f"    {kind}_temp_path {work_dir}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{modules}daemon off;\nworker_processes 1;\npid {work_dir}/nginx.pid;\n"
        f"error_log {work_dir}/error.log warn;\n"
        # Workers as the user who runs the benchmark: the temporary folders are private to it.
        + ("user root;\n" if _is_root() else "")
        + "events { worker_connections 256; }\n"
        f"http {{\n    include {MIME_TYPES};\n    default_type application/octet-stream;\n"
        "    sendfile on;\n    tcp_nopush on;\n"
        f"{temp}{site_conf}\n}}\n"
    )


def _is_root():
    return os.geteuid() == 0


def available():
    return Path(NGINX).exists() and all((MODULES / name).exists() for name in BROTLI_MODULES)


@contextlib.contextmanager
def nginx(upstream, *, static_root, media_root, work_dir):
    """nginx on a free loopback port in front of `upstream` (http://127.0.0.1:PORT), stopped in any case."""
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    site = local_site_conf(
        DEPLOY_CONF.read_text(),
        port=port,
        upstream_port=int(upstream.rsplit(":", 1)[1]),
        static_root=static_root,
        media_root=media_root,
        log_dir=work_dir,
    )
    conf = work_dir / "nginx.conf"
    conf.write_text(main_conf(site, work_dir))
    subprocess.run([NGINX, "-t", "-q", "-p", str(work_dir), "-c", str(conf)], check=True)  # noqa: S603
    process = subprocess.Popen(  # noqa: S603 - Debian's nginx with our own configuration
        [NGINX, "-p", str(work_dir), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError):
                if fetch(base + "/robots.txt").status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                log = (work_dir / "error.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"nginx did not start:\n{log}")
            time.sleep(0.2)
        yield base
    finally:
        stop(process)
