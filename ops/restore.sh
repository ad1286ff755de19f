#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into the database DATABASE_URL names (an empty one, or one
# to be replaced: its objects are dropped first) and the media folder MEDIA_ROOT. Stop the web and
# worker processes first (docs/operations.md: "Runbook").
#   ops/restore.sh BACKUP_DIR
set -euo pipefail
source_dir="${1:?usage: ops/restore.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be the PostgreSQL database to restore into}"
media="${MEDIA_ROOT:-media}"
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" \
  "$source_dir/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$source_dir/media.tar.gz"
echo "Restored the database and $media from $source_dir"
