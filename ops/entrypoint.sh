#!/bin/sh
# The image's entrypoint: one image, two roles, chosen by the command argument.
#   docker run IMAGE web      (the default) migrate, then gunicorn on :8000
#   docker run IMAGE worker   a task worker (background imports, emails, scheduled jobs); run as many as you like
#   docker run IMAGE python manage.py ...   anything else runs as given
# Run by hand (docs/operations.md, "By hand") it does the same: `ops/entrypoint.sh worker`.
set -e
role="${1:-web}"

# log LEVEL MESSAGE [OUTPUT_FILE]: one JSON line on stdout, as the app's (core/logs.py); with a
# command's output, what it said went wrong is added to the message (the errors of a system check,
# else the last warning it logged and its last line).
log() {
  python - "$@" <<'PYTHON'
import json, re, sys
from datetime import datetime, timezone

level, message, *output = sys.argv[1:]
if output:
    try:
        lines = [line.strip() for line in open(output[0], errors="replace").read().splitlines() if line.strip()]
    except OSError:
        lines = []
    checks = []  # a system check's errors ("?: (core.E002) ..."), each with its hint
    for line in lines:
        if re.search(r"\(\w+(\.\w+)*\.E\d+\)", line):
            checks.append(line)
        elif line.startswith("HINT:") and checks and not checks[-1].startswith("HINT:"):
            checks.append(line)
    warned, plain = "", ""
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        if isinstance(record, dict):
            if record.get("level") in ("WARNING", "ERROR", "CRITICAL"):
                warned = str(record.get("message", ""))
        else:
            plain = line
    said = [" ".join(checks)] if checks else [text for text in dict.fromkeys((warned, plain)) if text]
    if said:
        message += ": " + " | ".join(said)[:2000]
record = {"level": level, "logger": "entrypoint", "message": message}
print(json.dumps(record | {"timestamp": datetime.now(timezone.utc).isoformat()}), flush=True)
PYTHON
}

case "$role" in
  web)
    # Migrations run on release (each start): the web containers apply them, workers wait for them.
    python manage.py migrate --no-input
    exec gunicorn config.wsgi:application --config config/gunicorn.py
    ;;
  worker)
    # Checks the settings, waits until the queue's tables exist (the web container migrates), then
    # works the queue; and starts the worker again whenever it stops without being asked to.
    # Procrastinate's worker stops, with status 0, when it loses the database ("Side task listener
    # failed ... Database error., stopping worker"): a PostgreSQL restart or failover would otherwise
    # leave no worker, and emails queued afterwards unsent. SIGTERM or SIGINT (compose stop, systemd,
    # Ctrl-C) stops it: the worker finishes its running jobs and exits, and so does this.
    set +e
    output="$(mktemp)"
    stopping=""
    child=""   # the process being waited for: the worker, or a wait's command or sleep
    worker=""  # set while it is the worker
    trap 'rm -f "$output"' EXIT
    # The worker is asked with SIGINT, once a second until it has ended: the first its handler sees
    # starts the graceful stop, after which Procrastinate leaves SIGINT ignored, as the worker starts
    # (below), so the rest change nothing, nor does one still starting see them. Never SIGTERM: a
    # worker sent its own signal too (Ctrl-C reaches the whole process group; systemd, by default,
    # signals every process of the unit) would be ended at once, jobs and all, by a second SIGTERM.
    stop() {
      stopping=1
      [ -n "$child" ] || return 0
      if [ -n "$worker" ]; then
        (while kill -INT "$child" 2>/dev/null; do sleep 1; done) &
      else
        kill -TERM "$child" 2>/dev/null
      fi
    }
    trap stop TERM INT
    # Waits for the child (a signal interrupts `wait`: it waits again); its exit status in $status.
    await() {
      while :; do
        wait "$child" 2>/dev/null  # (not the shell's "Terminated" when a stop ends a wait's command)
        status=$?
        kill -0 "$child" 2>/dev/null || break
      done
      child=""
      worker=""
    }
    # pause SECONDS, cut short by a stop.
    pause() {
      sleep "$1" &
      child=$!
      await
    }

    # A configuration error (core.checks: no mail relay, the council not named...) is not cured by
    # waiting: say what it is and stop, with a status that tells a supervisor something is wrong.
    python manage.py check >"$output" 2>&1 &
    child=$!
    await
    [ -z "$stopping" ] || exit 0
    if [ "$status" -ne 0 ]; then
      cat "$output" >&2
      log ERROR "the settings are wrong (manage.py check): fix them, then start the worker again" "$output"
      exit 1
    fi
    while [ -z "$stopping" ]; do
      python manage.py procrastinate healthchecks >"$output" 2>&1 &
      child=$!
      await
      if [ "$status" -ne 0 ]; then
        [ -n "$stopping" ] && break
        log WARNING "waiting for the database and its migrations" "$output"
        pause 3
        continue
      fi
      # exec: the background process is the worker itself, which a stop's signal reaches; SIGINT
      # ignored until its handler is in (a background process's default, said here).
      (trap '' INT; exec python manage.py procrastinate worker --concurrency "${WORKER_CONCURRENCY:-2}") &
      child=$!
      worker=1
      [ -z "$stopping" ] || stop  # asked to stop while it was being started
      await
      [ -n "$stopping" ] && exit "$status"
      log WARNING "the worker stopped (status $status) without being asked to, as it does when the database goes away: starting it again in 5 seconds"
      pause 5
    done
    exit 0
    ;;
  *)
    exec "$@"
    ;;
esac
