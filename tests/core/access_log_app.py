"""A WSGI application for gunicorn run with the product's config/gunicorn.py in a subprocess
(tests/core/test_log_hygiene.py): it answers every path, with the request id the app would give
back, and needs no database."""


def application(environ, start_response):
    request_id = environ.get("HTTP_X_REQUEST_ID", "none")
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Request-ID", request_id)])
    return [b"ok"]
