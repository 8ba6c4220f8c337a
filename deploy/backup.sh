#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump custom format) and the media folders.
# Usage: deploy/backup.sh DESTINATION_DIR   (reads DATABASE_URL, MEDIA_ROOT, FEEDBACK_PRIVATE_ROOT)
set -euo pipefail
dest=${1:?usage: backup.sh DESTINATION_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the portal database}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest"
pg_dump --format=custom --no-owner --no-privileges --file "$dest/glazov-$stamp.dump" "$DATABASE_URL"
folders=()
for dir in "${MEDIA_ROOT:-}" "${FEEDBACK_PRIVATE_ROOT:-}"; do
    [ -n "$dir" ] && [ -d "$dir" ] && folders+=("$dir")
done
if [ ${#folders[@]} -gt 0 ]; then
    tar --create --gzip --file "$dest/glazov-media-$stamp.tar.gz" --absolute-names "${folders[@]}"
fi
echo "$dest/glazov-$stamp.dump"
