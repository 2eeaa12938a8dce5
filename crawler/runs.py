"""Crawl runs that outlive their process, and the paging that resumes after them.

A run holds a lease (host, process id and its start time) in its counts under
:data:`LEASE_KEY` while it is ``running``. The next run marks ``interrupted`` every
``running`` run whose process is gone or that holds no lease (kill -9, power loss); a run
of another host is left alone, since its process cannot be checked from here.

A source's crawl is *settled* when one of its runs ended with the source's spider finished
(not stopped by a signal). Pages stored by later, unfinished runs are *unsettled*: list
paging does not stop at them, so a crawl interrupted half-way through the lists reaches the
later pages on the next run (see ``SourceSpider.keep_paging``).
"""

import os
import socket
from pathlib import Path

LEASE_KEY = "@process"  # not a source name: names match ^[A-Za-z0-9_.-]+$


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), to tell a reused pid apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def lease() -> dict:
    """This process's lease."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "started": _start_time(os.getpid())}


def holder_gone(held: dict | None) -> bool:
    """True when ``held`` (a run's lease, None for none) names no living process of this host."""
    if not held or "pid" not in held:
        return True
    if held.get("host") != socket.gethostname():
        return False
    pid = int(held["pid"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return held.get("started") is not None and _start_time(pid) != held["started"]
