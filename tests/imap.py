"""A real, throwaway IMAP server (Debian's dovecot) for the mailbox tests."""

import getpass
import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.integration import free_port, stop_process

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
base_dir = {root}/run
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


class ImapServer:
    user = "sessions"
    password = "test-imap-password"

    def __init__(self):
        # Not under pytest's tmp dirs (mode 0700): dovecot's unprivileged users must reach it.
        self.root = Path(tempfile.mkdtemp(prefix="ensie-imap-"))
        self.root.chmod(0o755)
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"

    def start(self, timeout: float = 20.0):
        (self.root / "run").mkdir(parents=True)
        (self.root / "home").mkdir()
        (self.root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        if os.geteuid() == 0:
            # dovecot refuses to run its login and mail processes as root.
            users = {
                "internal_user": "dovecot",
                "internal_group": "dovecot",
                "login_user": "dovenull",
                "mail_user": "dovecot",
                "mail_group": "dovecot",
            }
            for path in (self.root, self.root / "home", self.root / "passwd"):
                shutil.chown(path, "dovecot", "dovecot")
        else:
            me = getpass.getuser()
            users = {"internal_user": me, "internal_group": me, "login_user": me,
                     "mail_user": me, "mail_group": me}  # fmt: skip
        config = self.root / "dovecot.conf"
        config.write_text(CONFIG.format(root=self.root, port=self.port, **users))
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"dovecot did not start: {self.log()}")

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text() if path.exists() else ""

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX"):
        """Put a message in the mailbox, as the mail server would."""
        client = self.client()
        try:
            status, _ = client.append(folder, None, None, raw)
            assert status == "OK"
        finally:
            client.logout()

    def count(self, folder: str) -> int:
        client = self.client()
        try:
            status, data = client.select(folder, readonly=True)
            return int(data[0]) if status == "OK" else 0
        finally:
            client.logout()

    def message_ids(self, folder: str) -> list[str]:
        client = self.client()
        try:
            client.select(folder, readonly=True)
            _, data = client.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            return [
                item[1].decode().split(":", 1)[1].strip()
                for item in data
                if isinstance(item, tuple)
            ]
        finally:
            client.logout()

    def stop(self):
        stop_process(self.process)
        shutil.rmtree(self.root, ignore_errors=True)
