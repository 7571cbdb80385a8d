"""A thin client of Meta's Graph API for the calls mutu makes, on httpx.

The base URL comes from settings (``WHATSAPP_API_BASE_URL``, ``INSTAGRAM_API_BASE_URL``) so that
tests, the benchmark and the demo talk to :mod:`mutu.messaging.fake_graph` on localhost; pywa and
similar libraries fix the real host and cannot.  Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from mutu.messaging.models import Platform


class GraphError(Exception):
    """The Graph API refused a call or could not be reached.

    ``permanent`` errors (a 4xx other than 429: bad number, template not approved, outside the
    window) are not worth retrying; the outbox still records them.
    """

    def __init__(self, message: str, *, status: int = 0, code: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.status = status
        self.code = code
        self.permanent = permanent


class MediaTooLarge(GraphError):
    def __init__(self, size: int, limit: int):
        super().__init__(f"media of {size} bytes is over the limit of {limit}", permanent=True)
        self.size = size
        self.limit = limit


def _error_from(response: httpx.Response) -> GraphError:
    code = None
    message = f"HTTP {response.status_code}"
    try:
        error = response.json().get("error") or {}
        code = error.get("code")
        message = f"HTTP {response.status_code}: {error.get('message') or response.text[:200]}"
    except ValueError:
        message = f"HTTP {response.status_code}: {response.text[:200]}"
    permanent = 400 <= response.status_code < 500 and response.status_code != 429
    return GraphError(message, status=response.status_code, code=code, permanent=permanent)


class GraphClient:
    def __init__(self, *, base_url: str, token: str, timeout: float | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout if timeout is not None else settings.MESSAGING_HTTP_TIMEOUT

    @classmethod
    def for_platform(cls, platform: str) -> GraphClient:
        if platform == Platform.INSTAGRAM:
            return cls(base_url=settings.INSTAGRAM_API_BASE_URL, token=settings.INSTAGRAM_ACCESS_TOKEN)
        return cls(base_url=settings.WHATSAPP_API_BASE_URL, token=settings.WHATSAPP_ACCESS_TOKEN)

    # --- plumbing ------------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def _request(self, method: str, url: str, **kwargs) -> httpx.Response:
        try:
            response = httpx.request(method, url, headers=self._headers(), timeout=self.timeout, **kwargs)
        except httpx.HTTPError as exc:
            raise GraphError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 400:
            raise _error_from(response)
        return response

    def _post_json(self, path: str, body: dict) -> dict:
        response = self._request("POST", f"{self.base_url}/{path.lstrip('/')}", json=body)
        try:
            return response.json()
        except ValueError as exc:
            raise GraphError("the Graph API answered with something that is not JSON") from exc

    # --- WhatsApp ------------------------------------------------------------------------------

    def send_whatsapp_text(self, *, phone_number_id: str, to: str, text: str) -> str:
        """Send free text (only inside the 24-hour window); returns the "wamid…"."""
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "text",
            "text": {"preview_url": False, "body": text},
        }
        return self._whatsapp_message_id(self._post_json(f"{phone_number_id}/messages", body))

    def send_whatsapp_template(
        self,
        *,
        phone_number_id: str,
        to: str,
        name: str,
        language: str,
        body_parameters: Sequence[str] = (),
        button_parameters: Sequence[str] = (),
    ) -> str:
        """Send an approved template.  ``button_parameters`` fill a URL button at index 0 (the
        copy-code button of an authentication template takes the code there)."""
        components: list[dict] = []
        if body_parameters:
            components.append(
                {"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in body_parameters]}
            )
        if button_parameters:
            components.append(
                {
                    "type": "button",
                    "sub_type": "url",
                    "index": "0",
                    "parameters": [{"type": "text", "text": str(p)} for p in button_parameters],
                }
            )
        template: dict = {"name": name, "language": {"code": language}}
        if components:
            template["components"] = components
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to,
            "type": "template",
            "template": template,
        }
        return self._whatsapp_message_id(self._post_json(f"{phone_number_id}/messages", body))

    @staticmethod
    def _whatsapp_message_id(data: dict) -> str:
        try:
            return str(data["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as exc:
            raise GraphError("no message id in the Graph API's answer") from exc

    def media_info(self, media_id: str) -> dict:
        """``GET /{media-id}`` → ``{url, mime_type, sha256, file_size, id}``."""
        response = self._request("GET", f"{self.base_url}/{media_id}")
        try:
            return response.json()
        except ValueError as exc:
            raise GraphError("the media endpoint answered with something that is not JSON") from exc

    def download(self, url: str, *, max_bytes: int, authenticated: bool = True) -> bytes:
        """Fetch a media URL, refusing to read more than ``max_bytes``."""
        headers = self._headers() if authenticated else {}
        try:
            with httpx.stream("GET", url, headers=headers, timeout=self.timeout, follow_redirects=False) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _error_from(response)
                declared = int(response.headers.get("content-length") or 0)
                if declared > max_bytes:
                    raise MediaTooLarge(declared, max_bytes)
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaTooLarge(size, max_bytes)
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            raise GraphError(f"{type(exc).__name__}: {exc}") from exc
        return b"".join(chunks)

    # --- Instagram -----------------------------------------------------------------------------

    def send_instagram_text(self, *, account_id: str, recipient_id: str, text: str, human_agent: bool = False) -> str:
        """Send a direct message; ``human_agent`` tags an officer's reply (allowed up to 7 days
        after the citizen's last message instead of 24 hours).  Returns the message id."""
        body: dict = {"recipient": {"id": recipient_id}, "message": {"text": text}}
        if human_agent:
            body["messaging_type"] = "MESSAGE_TAG"
            body["tag"] = "HUMAN_AGENT"
        data = self._post_json(f"{account_id}/messages", body)
        try:
            return str(data["message_id"])
        except (KeyError, TypeError) as exc:
            raise GraphError("no message id in the Graph API's answer") from exc


def instagram_media_url_allowed(url: str) -> bool:
    """Instagram gives attachments as URLs; fetch only over HTTPS from Meta's CDNs (or the hosts
    configured in ``INSTAGRAM_MEDIA_HOSTS``), never from an address a sender made up."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return False
    for allowed in settings.INSTAGRAM_MEDIA_HOSTS:
        allowed = allowed.lower().strip()
        if not allowed:
            continue
        if host == allowed or host.endswith("." + allowed):
            return parts.scheme == "https" or settings.INSTAGRAM_MEDIA_ALLOW_HTTP
    return False
