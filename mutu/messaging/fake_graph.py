"""A small local stand-in for Meta's Graph API: serves media and records sent messages.

Tests, the benchmark and ``manage.py replay_chat_sample`` point ``WHATSAPP_API_BASE_URL`` and
``INSTAGRAM_API_BASE_URL`` at it, so nothing ever calls the real Meta services::

    with FakeGraph(token="t") as graph:
        graph.add_media("MEDIA1", png_bytes, "image/png")
        ...
        graph.sent  # the JSON bodies POSTed to /{id}/messages, in order

It speaks the shapes in ``../shared/reference/channels.md``: ``GET /{media-id}`` answers
``{url, mime_type, sha256, file_size, id}``; the URL serves the bytes with the same bearer token;
``POST /{phone-number-id}/messages`` answers ``{messages: [{id: "wamid…"}]}`` and
``POST /{ig-account-id}/messages`` answers ``{recipient_id, message_id}``.  Instagram attachments
are served without a token at ``/_ig/<name>``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class _Media:
    data: bytes
    mime_type: str
    expired: bool = False


class FakeGraph:
    def __init__(self, *, token: str = "", host: str = "127.0.0.1", port: int = 0):
        self.token = token
        self.media: dict[str, _Media] = {}
        self.instagram_files: dict[str, _Media] = {}
        self.sent: list[dict] = []
        self.sent_paths: list[str] = []
        self.requests: list[tuple[str, str]] = []
        self._failures: list[tuple[int, dict]] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    def start(self) -> FakeGraph:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-graph", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeGraph:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what tests arrange ----------------------------------------------------------------------

    def add_media(self, media_id: str, data: bytes, mime_type: str) -> None:
        """Serve ``data`` as WhatsApp media ``media_id``."""
        with self._lock:
            self.media[media_id] = _Media(data, mime_type)

    def expire_media(self, media_id: str) -> None:
        with self._lock:
            self.media[media_id].expired = True

    def add_instagram_file(self, name: str, data: bytes, mime_type: str) -> str:
        """Serve ``data`` as an Instagram attachment; returns its URL."""
        with self._lock:
            self.instagram_files[name] = _Media(data, mime_type)
        return f"{self.base_url}/_ig/{name}"

    def fail_next(self, count: int = 1, *, status: int = 500, error: dict | None = None) -> None:
        """The next ``count`` message sends answer ``status`` with a Graph error body."""
        body = {"error": error or {"message": "fake failure", "type": "OAuthException", "code": 1}}
        with self._lock:
            self._failures.extend([(status, body)] * count)

    def reset(self) -> None:
        with self._lock:
            self.media.clear()
            self.instagram_files.clear()
            self.sent.clear()
            self.sent_paths.clear()
            self.requests.clear()
            self._failures.clear()

    # --- the server ----------------------------------------------------------------------------

    def _handler(self):
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _authorised(self) -> bool:
                if not graph.token:
                    return True
                return self.headers.get("Authorization") == f"Bearer {graph.token}"

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _bytes(self, media: _Media) -> None:
                self.send_response(200)
                self.send_header("Content-Type", media.mime_type)
                self.send_header("Content-Length", str(len(media.data)))
                self.end_headers()
                self.wfile.write(media.data)

            def _unauthorised(self) -> None:
                self._json(401, {"error": {"message": "Invalid OAuth access token.", "code": 190}})

            def _not_found(self) -> None:
                self._json(404, {"error": {"message": "Unsupported get request.", "code": 100}})

            def do_GET(self):  # noqa: N802 - http.server's naming
                path = urlsplit(self.path).path
                with graph._lock:
                    graph.requests.append(("GET", path))
                parts = [p for p in path.split("/") if p]
                if len(parts) == 2 and parts[0] == "_ig":
                    media = graph.instagram_files.get(parts[1])
                    return self._bytes(media) if media else self._not_found()
                if not self._authorised():
                    return self._unauthorised()
                if len(parts) == 2 and parts[0] == "_media":
                    media = graph.media.get(parts[1])
                    if media is None or media.expired:
                        return self._not_found()
                    return self._bytes(media)
                if len(parts) >= 1:
                    media_id = parts[-1]
                    media = graph.media.get(media_id)
                    if media is None or media.expired:
                        return self._not_found()
                    return self._json(
                        200,
                        {
                            "messaging_product": "whatsapp",
                            "url": f"{graph.base_url}/_media/{media_id}",
                            "mime_type": media.mime_type,
                            "sha256": hashlib.sha256(media.data).hexdigest(),
                            "file_size": len(media.data),
                            "id": media_id,
                        },
                    )
                return self._not_found()

            def do_POST(self):  # noqa: N802
                path = urlsplit(self.path).path
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with graph._lock:
                    graph.requests.append(("POST", path))
                if not self._authorised():
                    return self._unauthorised()
                parts = [p for p in path.split("/") if p]
                if not parts or parts[-1] != "messages":
                    return self._not_found()
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return self._json(400, {"error": {"message": "bad JSON", "code": 100}})
                with graph._lock:
                    if graph._failures:
                        status, error = graph._failures.pop(0)
                        return self._json(status, error)
                    number = next(graph._ids)
                    graph.sent.append(body)
                    graph.sent_paths.append(path)
                if body.get("messaging_product") == "whatsapp":
                    return self._json(
                        200,
                        {
                            "messaging_product": "whatsapp",
                            "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                            "messages": [{"id": f"wamid.FAKE{number:08d}"}],
                        },
                    )
                return self._json(
                    200,
                    {"recipient_id": (body.get("recipient") or {}).get("id"), "message_id": f"mid.FAKE{number:08d}"},
                )

        return Handler
