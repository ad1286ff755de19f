# Production image: gunicorn behind your TLS proxy, static files served by WhiteNoise; the same
# image runs the task workers (ops/entrypoint.sh). compose.yaml runs the whole stack.
#   docker build -t school-improvement .
#   docker run --env-file .env -e DATABASE_URL=postgres://... -e BEHIND_TLS_PROXY=true \
#              -p 127.0.0.1:8000:8000 school-improvement                        # web (the default)
#   docker run --env-file .env -e DATABASE_URL=postgres://... school-improvement worker
# .env as .env.example: SECRET_KEY, ALLOWED_HOSTS, the mail relay, the council's COUNCIL_NAME,
# LOCAL_AUTHORITY_CODES and DEFAULT_FROM_EMAIL (without one, web and worker refuse to start, saying
# which: core/checks.py). The port is published to this machine only, for the TLS proxy on it: behind
# it (BEHIND_TLS_PROXY) the client's address comes from X-Forwarded-For, which a port open to the
# network would let anyone write (docs/operations.md, "With Docker Compose").
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DEBUG=false \
    MEDIA_ROOT=/data/media

# Pango/HarfBuzz for PDF rendering (WeasyPrint); libpq is bundled in psycopg-binary.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings that load; the real secret comes at run time.
RUN SECRET_KEY=build-only-not-secret python manage.py collectstatic --no-input \
    && useradd --system --uid 1000 --create-home --home-dir /home/app app \
    && mkdir -p /data/media && chown -R app /data

USER app
ENV HOME=/home/app
EXPOSE 8000
# Liveness: /healthz answers this plain-HTTP request whatever ALLOWED_HOSTS and the TLS settings
# (core/health.py); it never touches the database. A load balancer's readiness check: /readyz.
# A worker container answers no HTTP: give it `python manage.py procrastinate healthchecks` as its
# health check instead (compose.yaml does), or --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"

# web (the default): migrations run on release (each start), then gunicorn (config/gunicorn.py);
# worker: the task queue's worker. Health: the web's HEALTHCHECK above; a worker's is
# `python manage.py procrastinate healthchecks` (compose.yaml).
ENTRYPOINT ["ops/entrypoint.sh"]
CMD ["web"]
