# shellcheck shell=bash
# Shared by the deploy/*.sh scripts: read the portal's environment file. Sourced, not run.
#
# The file is the one systemd gives gunicorn (EnvironmentFile=): KEY=value lines, no quotes,
# no spaces around "=", comments on their own lines. GLAZOV_ENV_FILE names another file; when
# it is unset and /etc/glazov/env does not exist, the variables already set are used as they are.

die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

load_glazov_env() {
    local file=${GLAZOV_ENV_FILE:-/etc/glazov/env} line key
    if [ ! -e "$file" ]; then
        [ -z "${GLAZOV_ENV_FILE:-}" ] || die "no environment file $file"
        return 0
    fi
    [ -r "$file" ] || die "cannot read $file: run as the glazov user (sudo -u glazov ...) or root"
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%$'\r'}
        case $line in '' | '#'*) continue ;; esac
        key=${line%%=*}
        [[ $line == *=* && $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "$file: not a KEY=value line: $line"
        # Taken literally, as systemd does for unquoted values: no $ expansion, no globbing.
        export "$key=${line#*=}"
    done <"$file"
}
