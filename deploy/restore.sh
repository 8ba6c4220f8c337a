#!/usr/bin/env bash
# Restore a backup made by backup.sh into the database DATABASE_URL points at (which must exist
# and should be empty) and, if given, unpack the media archive to where it was taken from.
# Usage: deploy/restore.sh DUMP_FILE [MEDIA_ARCHIVE]
set -euo pipefail
dump=${1:?usage: restore.sh DUMP_FILE [MEDIA_ARCHIVE]}
media=${2:-}
: "${DATABASE_URL:?DATABASE_URL must point at the database to restore into}"
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$DATABASE_URL" "$dump"
if [ -n "$media" ]; then
    tar --extract --gzip --file "$media" --absolute-names
fi
echo "restored $dump"
