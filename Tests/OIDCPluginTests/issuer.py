"""A stand-in OpenID Connect provider for the OIDC plugin tests, over HTTPS.

    python3 issuer.py CERT_PEM KEY_PEM STATE_DIR

It serves only what a token verifier needs: the discovery document and the JWKS of the issuer
https://localhost:PORT/realms/test. A test steers it through files in STATE_DIR, read on every
request so it can change them while the issuer runs:

    jwks.json   the JWKS served at .../protocol/openid-connect/certs (rewrite it to rotate keys)
    max-age     if present, its content is the Cache-Control max-age of the JWKS (default 300)
    down        if present, every request is answered 503 (the provider is down)

Every request is recorded as one JSON line {"path": ..., "status": ...} in
STATE_DIR/requests.jsonl, so a test can count JWKS fetches. It listens on 127.0.0.1, port 0,
prints the port alone on one line once listening, and runs until killed.
"""
import http.server
import json
import os
import ssl
import sys
import threading
import urllib.parse

cert, key, state = sys.argv[1:4]
log_lock = threading.Lock()  # handler threads share requests.jsonl; keep its lines whole
ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


def state_file(name):
    return os.path.join(state, name)


class Handler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.1 with Content-Length keeps connections alive, as a real provider would; a client's
    # connection reuse (and its handling of a stale pooled connection) gets exercised.
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        base = f"https://localhost:{self.server.server_address[1]}/realms/test"
        path = urllib.parse.urlsplit(self.path).path
        if os.path.exists(state_file("down")):
            self.reply(503, b'{"error": "down"}')
        elif path == "/realms/test/.well-known/openid-configuration":
            self.reply(200, json.dumps({
                "issuer": base,
                "jwks_uri": base + "/protocol/openid-connect/certs",
                "id_token_signing_alg_values_supported": ALGS,
            }).encode())
        elif path == "/realms/test/protocol/openid-connect/certs":
            try:
                with open(state_file("jwks.json"), "rb") as f:
                    body = f.read()
            except OSError:
                self.reply(500, b'{"error": "no jwks.json in the state directory"}')
                return
            try:
                with open(state_file("max-age")) as f:
                    max_age = f.read().strip()
            except OSError:
                max_age = "300"
            self.reply(200, body, {"Cache-Control": f"max-age={max_age}"})
        else:
            self.reply(404, b'{"error": "not found"}')

    def reply(self, status, body, headers=None):
        # Record before answering: once the client has its answer, the record must be there.
        with log_lock, open(state_file("requests.jsonl"), "a") as f:
            f.write(json.dumps({"path": self.path, "status": status}) + "\n")
            f.flush()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that rejects our certificate or drops the connection is part of the tests
        # (e.g. a verifier that refuses an untrusted issuer); it is not worth a traceback.
        if not isinstance(sys.exc_info()[1], (ssl.SSLError, ConnectionError)):
            super().handle_error(request, client_address)


context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server = Server(("127.0.0.1", 0), Handler)
# Defer the handshake to the first read, which happens in the connection's own thread: done on
# accept, it would run in the serving thread and one stalled client would block all others.
server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
print(server.server_address[1], flush=True)
server.serve_forever()
