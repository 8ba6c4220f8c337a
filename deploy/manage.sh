#!/usr/bin/env bash
# Run a manage.py command of the portal with its environment file, e.g.
#   sudo -u glazov /srv/glazov/app/deploy/manage.sh migrate
# Environment file: $GLAZOV_ENV_FILE or /etc/glazov/env; virtualenv: $GLAZOV_VENV or <app>/.venv.
set -euo pipefail
app=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# shellcheck source=deploy/env.sh
. "$app/deploy/env.sh"
load_glazov_env
cd "$app"
exec "${GLAZOV_VENV:-$app/.venv}/bin/python" manage.py "$@"
