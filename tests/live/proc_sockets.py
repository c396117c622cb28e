"""Which of a server's processes hold which TCP sockets, read from /proc as `ss -tnp` shows it."""

import os
from pathlib import Path

LISTEN, ESTABLISHED = "0A", "01"


def children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        pass
    return inodes


def _tcp_inodes(port: int, state: str) -> set[str]:
    """Inodes of the sockets whose local port is ``port``, in ``state``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                inodes.add(fields[9])
    return inodes


def by_worker(parent: int, port: int, state: str) -> dict[int, set[str]]:
    """The parent's children holding sockets on ``port`` in ``state``, with those sockets."""
    on_port = _tcp_inodes(port, state)
    held = {pid: _socket_inodes(pid) & on_port for pid in children(parent)}
    return {pid: inodes for pid, inodes in held.items() if inodes}


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"  # ended, waiting for a reaper that may never come in a container
