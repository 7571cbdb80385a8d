"""Per-request values (request id) that services read without a request argument."""

import contextvars

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")
