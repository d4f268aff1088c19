"""The in-memory fake served over real HTTP on 127.0.0.1, to test PTB's transport and polling."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from fake_bot_api.api import FakeBotApi
from fake_bot_api.limits import JSONDict
from fake_bot_api.records import SentFile
from fake_bot_api.validation import decode_param

_API_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z0-9_]+)/?$")
_PARAM = re.compile(r'([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))')


def _header_params(header: str) -> dict[str, str]:
    """Parameters of a header like Content-Disposition or Content-Type (name="x"; a=b)."""
    params: dict[str, str] = {}
    for match in _PARAM.finditer(header):
        quoted, bare = match.group(2), match.group(3)
        value = quoted.replace('\\"', '"').replace("\\\\", "\\") if quoted is not None else bare
        params[match.group(1).lower()] = value
    return params


def parse_multipart(body: bytes, content_type: str) -> tuple[dict[str, str], dict[str, SentFile]]:
    """Split a multipart/form-data body into plain fields and uploaded files."""
    boundary = _header_params(content_type).get("boundary")
    if not boundary:
        raise ValueError("multipart body without boundary")
    fields: dict[str, str] = {}
    files: dict[str, SentFile] = {}
    delimiter = b"--" + boundary.encode("latin-1")
    for raw_part in body.split(delimiter)[1:]:
        if raw_part.startswith(b"--"):
            break
        part = raw_part.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, _, content = part.partition(b"\r\n\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _header_params(headers.get("content-disposition", ""))
        name = disposition.get("name")
        if name is None:
            continue
        filename = disposition.get("filename")
        if "filename*" in disposition:
            filename = unquote(disposition["filename*"].split("''", 1)[-1])
        if filename is None:
            fields[name] = content.decode("utf-8")
        else:
            mime = headers.get("content-type", "application/octet-stream")
            files[name] = SentFile(name=filename.replace("%22", '"'), data=content, mime=mime)
    return fields, files


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows which fake it serves."""

    daemon_threads = True
    #: socketserver's default backlog is 5: a burst of new connections from a busy bot would
    #: lose SYNs and wait a second for the retransmission, which Telegram never makes it do.
    request_queue_size = 1024
    fake: FakeBotApi


class _Handler(BaseHTTPRequestHandler):
    """Routes /bot<token>/<method> to fake.handle and /file/bot<token>/<path> to stored bytes."""

    server: _Server
    protocol_version = "HTTP/1.1"
    timeout = 10
    #: Headers and body go out as two writes; with Nagle's algorithm the body waits for the
    #: client's delayed ACK of the headers (about 40 ms per call on Linux).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        """Bot API calls may come as GET with a query string; downloads always do."""
        self._dispatch(b"")

    def do_POST(self) -> None:
        """PTB posts form-encoded or multipart bodies; other clients may post JSON."""
        length = int(self.headers.get("Content-Length") or 0)
        self._dispatch(self.rfile.read(length) if length else b"")

    def _dispatch(self, body: bytes) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path.startswith("/file/bot"):
            data = fake.file_bytes(path)
            if data is None:
                self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            else:
                self._send(200, data, "application/octet-stream")
            return
        match = _API_PATH.match(path)
        if match is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        raw: dict[str, Any] = {k: v[-1] for k, v in parse_qs(url.query, True).items()}
        files: dict[str, SentFile] = {}
        content_type = self.headers.get("Content-Type", "")
        mime = content_type.split(";", 1)[0].strip().lower()
        try:
            if mime == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
                raw.update({k: v[-1] for k, v in form.items()})
            elif mime == "multipart/form-data":
                fields, files = parse_multipart(body, content_type)
                raw.update(fields)
            elif mime == "application/json" and body:
                decoded = json.loads(body)
                if not isinstance(decoded, dict):
                    raise ValueError("JSON body must be an object")
                raw.update(decoded)
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        params = {name: decode_param(name, value) for name, value in raw.items()}
        status, payload = fake.handle(match.group("method"), params, files)
        self._reply(status, payload)

    def _reply(self, status: int, payload: JSONDict) -> None:
        self._send(status, json.dumps(payload).encode("utf-8"), "application/json")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. a long poll cancelled at shutdown); nothing to do.
            self.close_connection = True


class FakeBotApiServer:
    """Context manager serving a FakeBotApi on 127.0.0.1:<free port> from a background thread."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The bound port (only valid while running)."""
        if self._server is None:
            raise RuntimeError("server is not running")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """Value for ApplicationBuilder.base_url(); PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ApplicationBuilder.base_file_url(); PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> FakeBotApiServer:
        """Bind to 127.0.0.1 on a free port and serve in a daemon thread."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self.fake
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-bot-api-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release long polls, stop serving and close the socket."""
        if self._server is None:
            return
        self.fake.interrupt_waiters()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeBotApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
