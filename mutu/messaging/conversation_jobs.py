"""Time-based work of the guided conversation, run by ``manage.py run_periodic``
(``mutu.core.periodic.PERIODIC_JOBS``).

A citizen may stop in the middle of a conversation and never come back.  What they told us should
still reach the inbox, so a conversation silent for ``ABANDON_AFTER`` that has a description is
filed as a report (with an internal note saying it was not finished); one without a description is
marked abandoned.  Each conversation is claimed with a conditional UPDATE, so two runs at once (or
a citizen writing at that moment, which moves ``updated_at``) never file one twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from mutu.core.errors import ApplicationError
from mutu.messaging.conversation import ABANDON_AFTER, file_conversation
from mutu.messaging.models import Conversation

logger = logging.getLogger("mutu.messaging")


@dataclass
class AbandonedCount:
    filed: int = 0
    abandoned: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        return f"filed={self.filed} abandoned={self.abandoned} skipped={self.skipped}"


def file_abandoned_conversations(*, now=None) -> AbandonedCount:
    """File (or drop) every open conversation silent for more than ``ABANDON_AFTER``."""
    now = now or timezone.now()
    cutoff = now - ABANDON_AFTER
    count = AbandonedCount()
    candidates = (
        Conversation.objects.filter(ended_at__isnull=True, updated_at__lt=cutoff)
        .select_related("account", "account__instansi", "account__unit", "contact")
        .order_by("updated_at", "pk")
    )
    for conversation in candidates:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            claimed = Conversation.objects.filter(
                pk=conversation.pk, ended_at__isnull=True, updated_at__lt=cutoff
            ).update(state=Conversation.State.ABANDONED, ended_at=now, updated_at=now)
            if claimed != 1:
                count.skipped += 1
                continue
            conversation.state, conversation.ended_at, conversation.updated_at = (
                Conversation.State.ABANDONED,
                now,
                now,
            )
            if not conversation.draft.get("description"):
                count.abandoned += 1
                continue
            try:
                with transaction.atomic():
                    # The clocks start now: the report reaches the verifier only now.
                    file_conversation(conversation=conversation, now=now, submitted_at=now, abandoned=True)
            except ApplicationError as exc:
                logger.warning("conversation %s could not be filed: %s", conversation.pk, exc.message)
                count.abandoned += 1
                continue
            count.filed += 1
    return count
