#!/usr/bin/env bash
# CI (.ci/run): back up a seeded database and its media with ops/backup.sh, restore them with
# ops/restore.sh into a fresh database and folder, and compare every table's row count and every
# media file. Needs PostgreSQL at PGSERVER (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
server="${PGSERVER:-postgres://postgres@127.0.0.1:5432}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source_db=si_backup_source
target_db=si_backup_target
for db in "$source_db" "$target_db"; do
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done

export DEBUG=true
export DATABASE_URL="$server/$source_db" MEDIA_ROOT="$work/media-source"
"$python" manage.py migrate --no-input -v0
"$python" manage.py seed_demo -v0
mkdir -p "$MEDIA_ROOT/letters" && printf 'an issued letter\n' > "$MEDIA_ROOT/letters/SI-00001.pdf"
ops/backup.sh "$work/backup"

DATABASE_URL="$server/$target_db" MEDIA_ROOT="$work/media-target" ops/restore.sh "$work/backup"

counts() {
  psql "$server/$1" -tAc "SELECT table_name FROM information_schema.tables
                          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1" |
    while read -r table; do
      echo "$table $(psql "$server/$1" -tAc "SELECT count(*) FROM \"$table\"")"
    done
}
counts "$source_db" > "$work/source.counts"
counts "$target_db" > "$work/target.counts"
diff "$work/source.counts" "$work/target.counts"
rows=$(awk '{s += $2} END {print s}' "$work/source.counts")
[ "$rows" -gt 100 ] || { echo "the seeded database has only $rows rows: nothing was compared"; exit 1; }
diff -r "$work/media-source" "$work/media-target"
# The restored database is one the app runs on: its migrations are all there.
DATABASE_URL="$server/$target_db" "$python" manage.py migrate --check -v0
for db in "$source_db" "$target_db"; do psql "$server/postgres" -qc "DROP DATABASE $db"; done
echo "Backup and restore: $(wc -l < "$work/source.counts") tables, $rows rows and the media files are the same."
