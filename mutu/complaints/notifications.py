"""Who is told what when a complaint changes (filled in by the outbox work of issue 11)."""


def complaint_changed(*, complaint_id: int, what: str) -> None:
    """Write the outbox rows for this change, inside the caller's transaction."""
