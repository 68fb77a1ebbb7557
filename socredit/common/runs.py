"""运行中的批次 — runs that one process works on for a while (imports, batch evaluations): which
process, and when it last showed life, so that a run whose process was killed is found and ended
with the reason instead of staying "running" for ever. (No Django here: the model fields are
`socredit.common.models.WorkedRun`.)

A worker is written ``host:pid:start`` (``start``: the process's start time in clock ticks since
boot, from /proc on Linux), so a pid the system gave again to another process is not taken for the
old one. On the same host a run is abandoned as soon as its process is gone; a run of another host
(several application servers on one PostgreSQL) only when it has shown no life for ``stale_after``.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from typing import Any


def _start_ticks(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            # the command name (field 2) may hold spaces and parentheses: split after its last ")"
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def this_worker() -> str:
    """This process, as `WorkedRun.worker` records it."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_ticks(pid)}"


def worker_is_gone(worker: str) -> bool | None:
    """True when ``worker``'s process no longer runs, False when it does, None when this host cannot
    tell (another host, or nothing recorded)."""
    parts = worker.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    host, pid_text, start = parts
    if host != socket.gethostname():
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # another user's process: it exists
    return bool(start) and _start_ticks(pid) not in ("", start)


def abandonment(run: Any, *, now: dt.datetime, stale_after: dt.timedelta) -> str | None:
    """Why ``run`` (a `WorkedRun` still running) is abandoned, in words for its page; None if it is
    not (its process runs, or another host's process showed life within ``stale_after``)."""
    gone = worker_is_gone(run.worker or "")
    if gone:
        return "处理它的进程已终止"
    if gone is False:
        return None
    last = run.heartbeat_at
    if last is None or now - last > stale_after:
        minutes = int(stale_after.total_seconds() // 60)
        return f"超过 {minutes} 分钟没有进展，处理它的进程已不在运行"
    return None
