"""The production processes, for the fault tests: a Redis server of the test's own (so it can
be stopped), the web, worker and beat started by ``deploy/run`` as in production, and a small
HTTP client that posts forms the way a browser does."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from tests.integration import ROOT, current_database_url, free_port, stop_process, wait_until

SUPERVISOR_CONFIG = ROOT / "deploy" / "supervisord.conf"
BIN = Path(sys.executable).parent


class RedisServer:
    """A throwaway ``redis-server`` on a free port, stopped and started again by the test
    (nothing kept on disk, like the production Redis of the README)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, message="redis-server did not start")
        return self

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.exceptions.ConnectionError:
            return False

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class Portal:
    """One installation as production runs it: web, worker and beat started by ``deploy/run``
    under supervisord (``deploy/supervisord.conf``), which restarts whichever dies, on the test
    database and on a Redis and an SMTP server of the test's own, with production settings."""

    PROGRAMS = ("web", "worker", "beat")

    def __init__(self, *, redis_url: str, email_url: str, directory: Path, **settings):
        self.port = free_port()
        self.directory = directory
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "DATABASE_URL": current_database_url(),
            "REDIS_URL": redis_url,
            "EMAIL_URL": email_url,
            "CACHE_KEY_PREFIX": f"faults-{uuid.uuid4().hex[:8]}",
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_WORKERS": "2",
            "SITE_URL": f"http://127.0.0.1:{self.port}",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
            "ENSIE_RUN_DIR": str(directory),
            "LOG_LEVEL": "WARNING",
            **{name: str(value) for name, value in settings.items()},
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.supervisord = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self, kind: str) -> Path:
        return self.directory / f"{kind}.log"

    def start(self):
        self.supervisord = subprocess.Popen(
            [str(BIN / "supervisord"), "-c", str(SUPERVISOR_CONFIG)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(
            lambda: all(self.pid(kind) for kind in self.PROGRAMS),
            timeout=60,
            interval=0.5,
            message="the processes did not start",
        )
        wait_until(self.web_answers, timeout=60, message=self.log("web").read_text())
        return self

    def pid(self, kind: str) -> int:
        """The process id of ``kind`` once supervisord says it is RUNNING, else 0."""
        result = subprocess.run(
            [str(BIN / "supervisorctl"), "-c", str(SUPERVISOR_CONFIG), "status", kind],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        fields = result.stdout.split()
        if len(fields) > 3 and fields[1] == "RUNNING" and fields[2] == "pid":
            return int(fields[3].rstrip(","))
        return 0

    def web_answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/healthz/", timeout=2) as response:  # noqa: S310 - the test server
                return response.status == 200
        except OSError:
            return False

    def kill(self, kind: str) -> int:
        """``kill -9`` of the process and its children (its process group: a service's whole
        control group dies so under systemd); returns the pid it had."""
        pid = self.pid(kind)
        os.killpg(pid, signal.SIGKILL)
        return pid

    def stop(self):
        stop_process(self.supervisord, timeout=60)


class WebClient:
    """Cookies, CSRF token, forms: what a browser does, over real HTTP."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        if data is not None:
            token = next(c.value for c in self.cookies if c.name == "csrftoken")
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        request = urllib.request.Request(  # noqa: S310 - http to the test server
            self.base_url + path, data=body, headers={"Referer": self.base_url + path}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def get(self, path: str) -> tuple[int, str]:
        return self.request(path)

    def post(self, path: str, data: dict, *, form_page: str = "") -> tuple[int, str]:
        """Post ``data`` to ``path``, first opening the page of the form (``form_page``, or
        ``path`` itself) when no CSRF cookie was set yet."""
        if not any(c.name == "csrftoken" for c in self.cookies):
            self.get(form_page or path)
        return self.request(path, data)

    def sign_in(self, email: str, password: str) -> None:
        self.get("/accounts/login/")
        status, page = self.post("/accounts/login/", {"login": email, "password": password})
        assert status == 200, page
        assert "Sign out" in page, page


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def enqueue(redis_url: str, task_name: str, *args) -> None:
    """Put a task on the installation's queue, as its web process would."""
    from celery import Celery
    from django.conf import settings

    app = Celery(broker=redis_url, set_as_current=False)
    try:
        app.send_task(task_name, args=args, queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    finally:
        app.close()
