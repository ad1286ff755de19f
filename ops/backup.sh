#!/usr/bin/env bash
# Back up the service: the database (pg_dump, custom format) and the media folder (stored imports,
# issued letters and logos: case records). Run it where the app runs, with its environment:
#   ops/backup.sh BACKUP_DIR          (DATABASE_URL and MEDIA_ROOT from the environment)
# Writes BACKUP_DIR/database.dump and BACKUP_DIR/media.tar.gz; BACKUP_DIR must be outside the media
# folder (the archive would hold itself). Needs a pg_dump as new as the server: the image has none,
# so with compose run the commands of docs/operations.md ("Runbook": pg_dump in the db container,
# tar in web, each writing to a folder on the host), which make the same two files.
set -euo pipefail
target="${1:?usage: ops/backup.sh BACKUP_DIR}"
: "${DATABASE_URL:?DATABASE_URL must be the PostgreSQL database to back up}"
media="${MEDIA_ROOT:-media}"
case "$(realpath -m "$target")/" in
  "$(realpath -m "$media")/"*)
    echo "BACKUP_DIR $target is inside the media folder $media, which it archives: choose a folder outside it" >&2
    exit 2
    ;;
esac
mkdir -p "$target"
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -C "$media" -czf "$target/media.tar.gz" .
else
  tar -czf "$target/media.tar.gz" --files-from /dev/null
fi
echo "Backed up the database and $media to $target"
