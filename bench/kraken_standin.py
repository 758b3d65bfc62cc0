#!/usr/bin/env python3
"""A Kraken proxy stand-in for bench/preheat.sh: GET /health answers 200, POST
/registry/notifications answers 200 and appends "<repository>:<tag>@<digest>" of each event's
target to the file named on the command line (one line per event, so duplicates show). Prints
its port on stdout once listening on 127.0.0.1."""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = open(sys.argv[1], "a", buffering=1)
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self._answer(200 if self.path == "/health" else 404)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        if self.path != "/registry/notifications":
            self._answer(404)
            return
        events = json.loads(body or b"{}").get("events", [])
        with LOCK:
            for e in events:
                t = e.get("target", {})
                LOG.write(f"{t.get('repository')}:{t.get('tag')}@{t.get('digest')}\n")
        self._answer(200)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
