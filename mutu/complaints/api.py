"""Complaint endpoints of the JSON API (wired into the one NinjaAPI by mutu.core.api)."""

from ninja import Router

router = Router(tags=["complaints"])
