"""A process that holds a secret leaves no core file behind.

A crash (or SIGABRT/SIGQUIT sent by the same user) while a password or a link
is in memory would write both into a core file; a dumpable process also lets
any process of the same user read its memory through /proc/PID/mem. Commands
call `protect_secrets()` when they start (`cli.app`), and again before reading a
secret (harmless when already done).
"""

from __future__ import annotations

import sys

_PR_SET_DUMPABLE = 4  # <linux/prctl.h>


def protect_secrets() -> None:
    """No core dump from here on (RLIMIT_CORE 0), and on Linux not dumpable
    (no core, no ptrace, /proc/PID/mem closed to the user's other processes).
    Where a mechanism is missing, the others still apply: never a failure."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass
