#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database and both file folders, into one dated folder.
#
#   sudo -u glazov /srv/glazov/app/deploy/backup.sh [DESTINATION]
#
# DESTINATION defaults to $BACKUP_DIR, else /var/backups/glazov. DATABASE_URL, MEDIA_ROOT and
# FEEDBACK_PRIVATE_ROOT come from the environment file (see deploy/env.sh). Writes
#   DESTINATION/glazov-YYYYMMDDTHHMMSSZ/{database.dump,media.tar.gz,private.tar.gz,SHA256SUMS}
# then deletes the backups in DESTINATION older than BACKUP_KEEP_DAYS days (default 14).
# Prints the new backup's folder. Restore with deploy/restore.sh.
set -euo pipefail
app=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# shellcheck source=deploy/env.sh
. "$app/deploy/env.sh"
load_glazov_env

dest=${1:-${BACKUP_DIR:-/var/backups/glazov}}
keep_days=${BACKUP_KEEP_DAYS:-14}
[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set"
for name in MEDIA_ROOT FEEDBACK_PRIVATE_ROOT; do
    [ -n "${!name:-}" ] || die "$name is not set"
    [ -d "${!name}" ] || die "$name=${!name} is not a folder"
done
[[ $keep_days =~ ^[0-9]+$ ]] || die "BACKUP_KEEP_DAYS must be a number of days"
use_database_url "$DATABASE_URL"
unset DATABASE_URL # the password stays in the password file only, not in the tools' environment

# Residents' reports and photos are personal data: the backup is readable by its owner only.
umask 077
mkdir -p "$dest"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$dest/glazov-$stamp"
work="$target.partial"
[ ! -e "$target" ] || die "$target already exists"
rm -rf "$work"
mkdir "$work"

pack() { # pack FOLDER ARCHIVE: GNU tar's status 1 only means a file changed while it was read
    tar --create --gzip --file "$2" --directory "$1" . || [ $? -eq 1 ]
}

# The database first: a file uploaded meanwhile is then in the archive, never a row without its file.
pg_dump --format=custom --no-owner --no-privileges --file "$work/database.dump" "$PG_URL"
pack "$MEDIA_ROOT" "$work/media.tar.gz"
pack "$FEEDBACK_PRIVATE_ROOT" "$work/private.tar.gz"
(cd "$work" && sha256sum database.dump media.tar.gz private.tar.gz >SHA256SUMS)
mv "$work" "$target"

find "$dest" -mindepth 1 -maxdepth 1 -type d -name 'glazov-*' -mtime "+$keep_days" -exec rm -rf {} +
echo "$target"
