"""What scripts need to find a message a command queued: its id, and its file.

Shared by every command that sends a temporary password or a link (`unlock`,
`forgot`, `send-code`, `account unlock --send-reset`, and any other support
action that sends one), so that their JSON says it the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from db.unit_of_work import QueuedMessage


def message_fields(message: QueuedMessage | None) -> dict[str, Any]:
    """`message_id`, and `outbox_file`: the file it was written to (files transport),
    null while the message waits for `outbox deliver` (queue transport)."""
    return {
        "message_id": message.id if message else None,
        "outbox_file": str(message.path) if message and message.path else None,
    }
