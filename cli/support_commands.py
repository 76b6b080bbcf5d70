"""Support staff: account list/show/edit/disable/enable/unlock, audit, the dashboard."""

from __future__ import annotations
