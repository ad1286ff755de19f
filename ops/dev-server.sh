#!/usr/bin/env bash
# `make run`: the development server and, beside it, a task worker when the database is PostgreSQL
# (DATABASE_URL=postgres://...). On SQLite there is no queue: tasks run in the web process
# (TASKS_INLINE, core/tasks.py). Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
mode="$("$python" manage.py shell -v0 -c "from django.conf import settings; print('inline' if settings.TASKS_INLINE else 'queue')")"
if [ "$mode" = queue ]; then
  "$python" manage.py procrastinate worker &
  worker=$!
  trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
  echo "Task worker started (pid $worker)."
else
  echo "SQLite: no task queue; background tasks run in the web process (TASKS_INLINE)."
fi
"$python" manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"
