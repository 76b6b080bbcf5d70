"""Operators: account import/export, policy check."""

from __future__ import annotations
