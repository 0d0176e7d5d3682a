"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py app:app`.

Environment: HOST (127.0.0.1), PORT (8000), HOTLINE_WEB_WORKERS (2), HOTLINE_WEB_TIMEOUT (30 s).
"""
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("HOTLINE_WEB_WORKERS", "2"))
worker_class = "sync"
# WeChat gives up after 5 s; anything slower than this is stuck, not working.
timeout = int(os.environ.get("HOTLINE_WEB_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = 5
# Load the app (and its dictionaries) once in the master; workers share the pages copy-on-write.
preload_app = True
control_socket_disable = True
accesslog = "-"
# Path without the query string: WeChat puts the citizen's openid there (personal information).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
max_requests = 20000
max_requests_jitter = 2000


def when_ready(server):
    """Runs in the master after the app is loaded (preload) and before workers are forked."""
    from query.web.answers import warm_up

    warm_up(server.app.wsgi())
