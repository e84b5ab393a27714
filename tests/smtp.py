"""A real SMTP server on a loopback port, for tests that read what the app e-mailed.

Just enough SMTP for smtplib to hand over a message. A recipient whose address contains
``REFUSED_MARK`` is refused for good (550), as a mail server refuses an address that does
not exist: the bounce tests use it.
"""

import email
import re
import socketserver
import threading
from contextlib import contextmanager

REFUSED_MARK = "no-such-mailbox"


class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        lines: list[bytes] = []
        in_data = False
        while line := self.rfile.readline():
            if in_data:
                if line == b".\r\n":
                    self.server.messages.append(email.message_from_bytes(b"".join(lines)))
                    lines, in_data = [], False
                    self.wfile.write(b"250 queued\r\n")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 end with .\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif verb == b"RCPT" and REFUSED_MARK.encode() in line.lower():
                self.wfile.write(b"550 5.1.1 no such mailbox here\r\n")
            else:
                self.wfile.write(b"250 ok\r\n")


class SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages: list[email.message.Message] = []

    @property
    def port(self) -> int:
        return self.server_address[1]

    def to(self, address: str) -> list[email.message.Message]:
        return [m for m in self.messages if m["To"] == address]

    def link(self, address: str, pattern: str) -> str:
        """The first match of ``pattern`` (a regex with one group) in the latest message to
        ``address``."""
        body = self.to(address)[-1].get_payload(decode=True).decode()
        found = re.search(pattern, body)
        assert found, body
        return found.group(1)


class RecordingMailer:
    """The app's ``MAILER`` in tests of the e-mails sent at once (no SMTP needed)."""

    def __init__(self):
        self.messages = []

    def send(self, message):
        self.messages.append(message)

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def link(self, address: str, pattern: re.Pattern) -> str:
        body = self.to(address)[-1].get_content()
        return pattern.search(body).group(1)


@contextmanager
def running_smtp_server():
    server = SmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
