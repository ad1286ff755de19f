#!/bin/sh
# The image's entrypoint: one image, two roles, chosen by the command argument.
#   docker run IMAGE web      (the default) migrate, then gunicorn on :8000
#   docker run IMAGE worker   a task worker (background imports, emails, scheduled jobs); run as many as you like
#   docker run IMAGE python manage.py ...   anything else runs as given
set -e
role="${1:-web}"
case "$role" in
  web)
    # Migrations run on release (each start): the web containers apply them, workers wait for them.
    python manage.py migrate --no-input
    exec gunicorn config.wsgi:application --config config/gunicorn.py
    ;;
  worker)
    # Waits until the queue's tables exist (the web container migrates), then works the queue.
    until python manage.py procrastinate healthchecks >/dev/null 2>&1; do
      echo '{"level": "WARNING", "logger": "entrypoint", "message": "waiting for the database and its migrations"}'
      sleep 3
    done
    exec python manage.py procrastinate worker --concurrency "${WORKER_CONCURRENCY:-2}"
    ;;
  *)
    exec "$@"
    ;;
esac
