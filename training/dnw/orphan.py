"""A child process of the workbench ends when the workbench does.

A SIGKILLed host cannot stop its children, and a fine-tune that trains on for minutes after the app died wastes the
machine and leaves a half-written folder. On Linux the kernel sends SIGTERM when the parent dies
(PR_SET_PDEATHSIG); elsewhere a daemon thread notices the parent's pid change (re-parenting) within a second.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1


def exit_with_parent() -> None:
    """Arranges for this process to end when its parent process ends."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
