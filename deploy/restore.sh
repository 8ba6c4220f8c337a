#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an empty database and empty file folders.
#
#   sudo -u glazov /srv/glazov/app/deploy/restore.sh [OPTIONS] BACKUP_FOLDER
#
# By default the database is DATABASE_URL and the folders are MEDIA_ROOT and
# FEEDBACK_PRIVATE_ROOT from the environment file (see deploy/env.sh). Options restore elsewhere,
# e.g. to look into an old backup next to the live site:
#   --database-url URL    another (empty) database; give no password here (`ps` shows it to
#                         every user): the one in DATABASE_URL is used
#   --media-root DIR      another folder for the public media
#   --private-root DIR    another folder for residents' photos
# Refuses a database that has tables or a folder that has files, and a backup whose checksums
# do not match, before it changes anything.
set -euo pipefail
app=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
# shellcheck source=deploy/env.sh
. "$app/deploy/env.sh"
load_glazov_env

usage="usage: restore.sh [--database-url URL] [--media-root DIR] [--private-root DIR] BACKUP_FOLDER"
backup=""
target_url=""
while [ $# -gt 0 ]; do
    case $1 in
    --database-url) target_url=${2:?$usage} && shift 2 ;;
    --media-root) MEDIA_ROOT=${2:?$usage} && shift 2 ;;
    --private-root) FEEDBACK_PRIVATE_ROOT=${2:?$usage} && shift 2 ;;
    -h | --help) echo "$usage" && exit 0 ;;
    -*) die "unknown option $1; $usage" ;;
    *) [ -z "$backup" ] || die "$usage"; backup=$1 && shift ;;
    esac
done
[ -n "$backup" ] || die "$usage"
[ -n "${DATABASE_URL:-}${target_url}" ] || die "DATABASE_URL is not set"
for name in MEDIA_ROOT FEEDBACK_PRIVATE_ROOT; do
    [ -n "${!name:-}" ] || die "$name is not set"
done
# Passwords never go on a command line (ps shows it): --database-url without one uses DATABASE_URL's.
[ -z "${DATABASE_URL:-}" ] || use_database_url "$DATABASE_URL"
[ -z "$target_url" ] || use_database_url "$target_url"
unset DATABASE_URL # the password stays in the password file only, not in the tools' environment

# Check everything before changing anything.
for file in database.dump media.tar.gz private.tar.gz SHA256SUMS; do
    [ -f "$backup/$file" ] || die "$backup/$file is missing: not a backup made by backup.sh"
done
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || die "$backup is damaged: checksums do not match"
tables=$(psql "$PG_URL" --no-psqlrc --tuples-only --no-align --command \
    "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
[ "$tables" = 0 ] || die "the database already has $tables tables: restore only into an empty database"
for dir in "$MEDIA_ROOT" "$FEEDBACK_PRIVATE_ROOT"; do
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
        die "$dir is not empty: move it aside (mv $dir $dir.old) or restore with --media-root/--private-root"
    fi
done

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname "$PG_URL" \
    "$backup/database.dump"
mkdir -p "$MEDIA_ROOT" "$FEEDBACK_PRIVATE_ROOT"
tar --extract --gzip --file "$backup/media.tar.gz" --directory "$MEDIA_ROOT"
tar --extract --gzip --file "$backup/private.tar.gz" --directory "$FEEDBACK_PRIVATE_ROOT"
echo "restored $backup: database $(psql "$PG_URL" --no-psqlrc --tuples-only --no-align \
    --command 'SELECT current_database()'), media in $MEDIA_ROOT, photos in $FEEDBACK_PRIVATE_ROOT"
