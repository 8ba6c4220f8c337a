# Glazov city portal. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
# The test suite runs with its own settings; `make run` uses the development ones.
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@ $(VENV)/.runtime-installed

.PHONY: install
install: $(VENV)/.runtime-installed ## Create .venv and install the site's dependencies

# $(call debian_packages,command-or-file:package ...): install the packages whose command (or
# file, given as an absolute path) is missing (as root), or say which apt-get command to run.
define debian_packages
@missing=""; \
for pair in $(1); do \
	command -v "$${pair%%:*}" >/dev/null || test -e "$${pair%%:*}" || missing="$$missing $${pair#*:}"; \
done; \
if [ -n "$$missing" ]; then \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian packages:$$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "Missing Debian packages:$$missing. Run: sudo apt-get install -y$$missing" >&2; exit 1; \
	fi; \
fi
endef

# tests/test_deploy_files.py checks deploy/nginx.conf with `nginx -t` and never starts nginx (on a
# machine with systemd Debian starts it after installing; `systemctl disable --now nginx` stops it).
NGINX_MODULES := /usr/lib/nginx/modules
NGINX_FOR_TESTS := /usr/sbin/nginx:nginx \
	$(NGINX_MODULES)/ngx_http_brotli_filter_module.so:libnginx-mod-http-brotli-filter \
	$(NGINX_MODULES)/ngx_http_brotli_static_module.so:libnginx-mod-http-brotli-static

.PHONY: system-deps
system-deps: ## Install Debian's Chromium, gettext, nginx and Java when missing (as root; never `playwright install`)
	$(call debian_packages,chromium:chromium msgfmt:gettext java:default-jre-headless $(NGINX_FOR_TESTS))

# The Nu HTML Checker for tests/browser/test_html_validity.py, pinned in tools/vnu/package-lock.json;
# after this step the tests need no network, only Java.
VNU_JAR := tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR): tools/vnu/package.json tools/vnu/package-lock.json
	npm ci --prefix tools/vnu --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: vnu
vnu: $(VNU_JAR) ## Install the Nu HTML Checker (vnu.jar, from the npm registry) the tests validate pages with

.PHONY: messages
messages: $(VENV)/.runtime-installed ## Compile the interface translations (locale/*/LC_MESSAGES/django.po)
	@$(MANAGE) compilemessages --ignore=.venv -v 0

.PHONY: messages-update
messages-update: $(VENV)/.runtime-installed ## Collect new interface strings into locale/{ru,en,udm} (then translate locale/en)
	$(MANAGE) makemessages -l ru -l en -l udm --no-location --ignore=.venv --ignore=tests --ignore=bench --ignore=collected_static --ignore=media
	$(MANAGE) makemessages -d djangojs -l ru -l en -l udm --no-location --ignore=.venv --ignore=collected_static --ignore=static/vendor --ignore=bench --ignore=tools --ignore=media --ignore=cache

.PHONY: setup
setup: messages ## Migrate the database and load the demo content (idempotent)
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) load_demo_content
	$(MANAGE) create_demo_users
	$(MANAGE) load_demo_reports

# The task worker (e-mails, search index, daily jobs) runs beside the server and stops with it;
# its e-mails appear in this console (the development settings' console e-mail backend).
.PHONY: run
run: setup ## Set everything up and serve the demo site at http://127.0.0.1:$(PORT), with the task worker
	@$(MANAGE) db_worker --queue-name '*' --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

.PHONY: lint
lint: $(VENV)/.test-installed ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

.PHONY: format
format: $(VENV)/.test-installed ## Fix what ruff can (imports, upgrades) and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

.PHONY: check
check: $(VENV)/.test-installed messages ## Django checks: system check, no missing migrations
	DJANGO_SETTINGS_MODULE=site_glazov.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=site_glazov.settings.test $(MANAGE) makemigrations --check --dry-run

.PHONY: test
test: $(VENV)/.test-installed system-deps $(VNU_JAR) lint check ## Set up and run every test (browser tests included)
	$(BIN)/pytest $(PYTEST_ARGS)

.PHONY: bench-deps
bench-deps: ## Install Debian's wrk and gettext when missing (as root), for the benchmark
	$(call debian_packages,wrk:wrk msgfmt:gettext)

.PHONY: bench
bench: bench-deps messages ## Benchmark production (gunicorn, PostgreSQL, Redis) with wrk; writes docs/performance.md
	$(BIN)/python bench/run.py $(BENCH_ARGS)

URL ?= /ru/
.PHONY: profile
profile: messages ## Profile one page in-process (cProfile, production settings, cold and warm): make profile URL=/ru/news/
	$(BIN)/python bench/page_profile.py $(URL) $(PROFILE_ARGS)

# Lighthouse for `make lighthouse`, pinned in tools/lighthouse/package-lock.json (puppeteer-core: no browser download).
LIGHTHOUSE := tools/lighthouse/node_modules/lighthouse/cli/index.js
$(LIGHTHOUSE): tools/lighthouse/package.json tools/lighthouse/package-lock.json
	npm ci --prefix tools/lighthouse --no-audit --no-fund --loglevel=error
	touch $@

.PHONY: lighthouse
lighthouse: messages $(LIGHTHOUSE) ## Lighthouse (mobile, 3 visual modes) on production nginx, gunicorn, PostgreSQL, Redis; writes its table to docs/performance.md
	$(call debian_packages,chromium:chromium msgfmt:gettext nginx:nginx /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so:libnginx-mod-http-brotli-filter /usr/lib/nginx/modules/ngx_http_brotli_static_module.so:libnginx-mod-http-brotli-static)
	$(BIN)/python bench/lighthouse.py $(LIGHTHOUSE_ARGS)

.PHONY: bench-reports
bench-reports: messages ## Send 200 reports at once to production gunicorn on PostgreSQL; fail on any loss
	$(BIN)/python bench/concurrent_reports.py $(BENCH_REPORTS_ARGS)

.PHONY: bench-uploads
bench-uploads: messages ## Peak gunicorn worker memory and time of the worst photo uploads; writes docs/performance.md
	$(BIN)/python bench/uploads.py $(BENCH_UPLOADS_ARGS)

.PHONY: clean
clean: ## Remove the virtualenv, the SQLite database and uploaded media
	rm -rf $(VENV) db.sqlite3 media collected_static
