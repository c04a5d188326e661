"""A stand-in for The Things Stack's downlink API: records each request (path, headers, body) as a
JSON line and answers by the device in the path: fail4 -> 403, fail5 -> 503, slow -> no answer
for 5 s, anything else -> 200 {}. Prints its port once listening."""
import http.server, json, sys, time

log = sys.argv[1]

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(log, "a") as f:
            f.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization"),
                                "content_type": self.headers.get("Content-Type"), "body": body.decode()}) + "\n")
        status = 403 if "/fail4/" in self.path else 503 if "/fail5/" in self.path else 200
        if "/slow/" in self.path:
            time.sleep(5)
        reply = b"{}"
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
