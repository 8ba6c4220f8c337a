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

# Connect pg_dump, pg_restore and psql to a database address without its password on their command
# line, where `ps` shows it to every user of the server: sets PG_URL to the address without the
# password and hands the password to libpq in a temporary password file (mode 0600, removed on exit).
# An address without a password keeps the password file of an earlier call, if any.
PGPASSFILE_TEMP=""
use_database_url() {
    local url=$1 scheme rest authority userinfo user password
    case $url in postgres://* | postgresql://*) ;; *) die "the database address must start with postgres://" ;; esac
    [[ $url != *[?\&]password=* ]] || die "put the database password before the @: postgres://user:PASSWORD@host/name"
    scheme=${url%%://*}
    rest=${url#*://}
    authority=${rest%%/*}
    rest=${rest:${#authority}}
    PG_URL=$url
    [[ $authority == *@* ]] || return 0
    userinfo=${authority%@*}
    [[ $userinfo == *:* ]] || return 0
    user=${userinfo%%:*}
    password=${userinfo#*:}
    PG_URL="$scheme://$user@${authority##*@}$rest"
    # Percent-decoded as libpq would, then escaped for the password file (\ and :).
    password=${password//\\/\\\\}
    printf -v password '%b' "${password//%/\\x}"
    password=${password//\\/\\\\}
    password=${password//:/\\:}
    if [ -z "$PGPASSFILE_TEMP" ]; then
        PGPASSFILE_TEMP=$(umask 077 && mktemp -t glazov-pgpass.XXXXXX)
        trap 'rm -f "$PGPASSFILE_TEMP"' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    fi
    printf '*:*:*:*:%s\n' "$password" >"$PGPASSFILE_TEMP"
    export PGPASSFILE=$PGPASSFILE_TEMP
}
