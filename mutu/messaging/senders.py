"""Outbox senders for WhatsApp and Instagram (registered with ``mutu.core.outbox``)."""

from __future__ import annotations


def register() -> None:
    """Hook the chat senders into the outbox (called from ``MessagingConfig.ready``)."""
