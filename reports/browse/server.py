"""Serve the browsing site: a threaded WSGI server, on 127.0.0.1 unless told otherwise."""

from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def make(app, host: str = "127.0.0.1", port: int = 0, quiet: bool = False) -> WSGIServer:
    """A server for ``app`` bound to ``host:port`` (port 0: any free port)."""
    return make_server(host, port, app, server_class=_Server,
                       handler_class=_QuietHandler if quiet else WSGIRequestHandler)
