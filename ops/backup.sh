#!/usr/bin/env bash
# Back up the service: the database (pg_dump, custom format) and the media folder (stored imports,
# issued letters and logos: case records). Run it where the app runs, with its environment:
#   ops/backup.sh BACKUP_DIR          (DATABASE_URL and MEDIA_ROOT from the environment)
# With compose:  docker compose exec -T web ops/backup.sh /data/media/../backup  (docs/operations.md: "Runbook")
# Writes BACKUP_DIR/database.dump and BACKUP_DIR/media.tar.gz.
set -euo pipefail
target="${1:?usage: ops/backup.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be the PostgreSQL database to back up}"
media="${MEDIA_ROOT:-media}"
mkdir -p "$target"
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$target/media.tar.gz" .
else
  tar -czf "$target/media.tar.gz" --files-from /dev/null
fi
echo "Backed up the database and $media to $target"
