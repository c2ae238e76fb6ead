"""Real processes for integration tests: an SMTP server (aiosmtpd) and a Celery worker."""

import os
import socket
import subprocess
import sys
import threading
import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float, interval: float = 0.1, message: str = ""):
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(message or f"still not true after {timeout} s")


class CollectingHandler:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's API
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.handler = CollectingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self):
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def wait_for(self, count: int, timeout: float = 60.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.1)
        raise AssertionError(f"expected {count} messages, got {len(self.messages)}")


def stop_process(process: subprocess.Popen | None, *, timeout: float = 10) -> None:
    """Terminate a child process, killing it if it does not stop in time."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def current_database_url() -> str:
    """DATABASE_URL pointing at the database this test process uses (the test database)."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


class CeleryWorker:
    """``celery -A ensie_portal worker`` in a subprocess on the Redis broker."""

    def __init__(self, *, email_url: str, extra_env: dict | None = None, concurrency: int = 2):
        self.env = {
            **os.environ,
            "DATABASE_URL": current_database_url(),
            "EMAIL_URL": email_url,
            "DJANGO_SETTINGS_MODULE": "ensie_portal.settings",
            **(extra_env or {}),
        }
        self.concurrency = concurrency
        self.process = None
        self.log = ROOT / ".pytest_cache" / f"celery-worker-{os.getpid()}.log"

    def start(self, app, timeout: float = 60.0):
        self.log.parent.mkdir(exist_ok=True)
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "ensie_portal",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--without-mingle",
                "--without-gossip",
                "-n",
                f"test-{os.getpid()}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited: {self.log.read_text()}")
            if app.control.ping(timeout=0.5):
                return self
        raise AssertionError(f"the worker did not start: {self.log.read_text()}")

    def stop(self):
        stop_process(self.process, timeout=20)
        if getattr(self, "_log_file", None):
            self._log_file.close()


class Gunicorn:
    """``gunicorn ensie_portal.wsgi`` in a subprocess on a free port, against the test database,
    with production settings (DEBUG off). One sync worker unless told otherwise."""

    def __init__(self, *, args: tuple[str, ...] = (), extra_env: dict | None = None):
        self.port = free_port()
        # No control socket: its default path is shared by every gunicorn of the user.
        self.args = ("--workers", "1", "--no-control-socket", *args)
        self.env = {
            **os.environ,
            "DATABASE_URL": current_database_url(),
            "DJANGO_SETTINGS_MODULE": "ensie_portal.settings",
            "DEBUG": "0",
            "SECRET_KEY": "test-only-secret-key-for-gunicorn-0123456789abcdefghijklmnop",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
            **(extra_env or {}),
        }
        self.process = None
        self.log = ROOT / ".pytest_cache" / f"gunicorn-{os.getpid()}-{self.port}.log"

    def start(self, timeout: float = 60.0):
        self.log.parent.mkdir(exist_ok=True)
        self._log_file = self.log.open("w")
        command = [sys.executable, "-m", "gunicorn", "ensie_portal.wsgi"]
        self.process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{self.port}", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"gunicorn exited: {self.log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"GET /healthz/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if sock.recv(12)[8:] == b" 200":
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not start: {self.log.read_text()}")

    def stop(self):
        stop_process(self.process, timeout=20)
        if getattr(self, "_log_file", None):
            self._log_file.close()
