"""Block and log every network use that does not stay on this machine (tests only).

:func:`install` patches ``socket.socket.connect``/``connect_ex``/``sendto`` and
``socket.getaddrinfo`` so that a connection to, a datagram to, or a name lookup of
anything but a loopback address raises ``OSError`` and is appended to the file named by
``$ROM_TRACKER_NETLOG`` (one ``kind host:port`` line each). Subprocesses of the tests run
the CLI through :func:`main` (``python netguard.py rom-tracker-args...``), so a case that
would reach the network fails instead of depending on it, and the log shows exactly what
was tried. Native code that opens sockets without Python is not seen here: the strace
test in test_reliability_privacy.py covers that.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import sys
from typing import Any

LOG_ENV = "ROM_TRACKER_NETLOG"
_installed = False


def is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _record(kind: str, host: Any, port: Any) -> None:
    path = os.environ.get(LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{kind} {host}:{port}\n")


def _check(sock: socket.socket, address: Any, kind: str) -> None:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return  # Unix sockets, netlink: local by nature
    host, port = address[0], address[1]
    if not is_loopback(host):
        _record(kind, host, port)
        raise OSError(errno.ENETUNREACH, f"network blocked by the test guard: {host}:{port}")


def install() -> None:
    """Patch the socket module of this process (idempotent)."""
    global _installed
    if _installed:
        return
    connect, connect_ex, sendto = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.socket.sendto,
    )
    getaddrinfo = socket.getaddrinfo

    def guarded_connect(self: socket.socket, address: Any) -> None:
        _check(self, address, "connect")
        return connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        _check(self, address, "connect")
        return connect_ex(self, address)

    def guarded_sendto(self: socket.socket, data: Any, *args: Any) -> int:
        _check(self, args[-1], "sendto")
        return sendto(self, data, *args)  # type: ignore[arg-type]

    def guarded_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host):
            _record("resolve", host, port)
            raise socket.gaierror(
                socket.EAI_NONAME, f"name lookup blocked by the test guard: {host}"
            )
        return getaddrinfo(host, port, *args, **kwargs)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = guarded_sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = guarded_getaddrinfo
    _installed = True


def main() -> int:
    """``python netguard.py ARGS...``: the rom-tracker CLI with the guard installed."""
    install()
    from rom_tracker.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
