"""Serve the browsing site: a threaded WSGI server, on 127.0.0.1 unless told otherwise.

A connection that sends nothing for ``IDLE_TIMEOUT`` seconds is closed, so idle or half-open
connections cannot hold a thread each forever; IPv6 addresses (``::1``, ``::``) are served too.
"""

import ipaddress
import socket
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

IDLE_TIMEOUT = 30.0  # seconds a connection may stay silent


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(WSGIRequestHandler):
    timeout = IDLE_TIMEOUT

    def handle(self):
        try:
            super().handle()
        except TimeoutError:
            self.close_connection = True  # the client went quiet: drop the connection, free the thread


class _QuietHandler(_Handler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make(app, host: str = "127.0.0.1", port: int = 0, quiet: bool = False) -> WSGIServer:
    """A server for ``app`` bound to ``host:port`` (port 0: any free port)."""
    server_class = _Server6 if ":" in host else _Server
    return make_server(host, port, app, server_class=server_class,
                       handler_class=_QuietHandler if quiet else _Handler)
