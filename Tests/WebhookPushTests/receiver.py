#!/usr/bin/python3
"""A CloudEvents webhook receiver for the webhook-push tests that misbehaves on cue.

It decodes every request with the `cloudevents` package (PyPI, the CloudEvents Python SDK):
binary and structured mode with `cloudevents.core.bindings.http.from_http`, the batch format as
a JSON array of events each read by the SDK's JSON format. It records every request as one JSON
line in --record:

    {"n": 7, "mode": "binary", "answer": 204, "events": [{"id": ..., "seq": 3, "key": "app/dev1",
     "source": ..., "type": ..., "data": ...}]}

`answer` is the status sent, "hang" (no answer; the connection is closed after the hang) or
"refused" (the connection was closed unanswered while the listener went away). A request the
SDK cannot decode is answered 400 and recorded with "error".

The script (--script, JSON) says how to misbehave, step by step, then answers `ok_status`:

    {"plan": [{"status": 500, "count": 5},              the next 5 requests get 500
              {"hang_ms": 1500, "count": 1},            no answer for 1.5 s, then close
              {"refuse_ms": 2000},                      close the listener (and every open
                                                        connection) for 2 s: connections refused
              {"status": 429, "retry_after": "1", "count": 3}],
     "reject_seqs": [5, 17],                            400 for a request carrying one of these
     "ok_status": 204}

It listens on 127.0.0.1 (--port, 0 = any) and writes the port to --port-file once ready; with
--tls-cert and --tls-key it speaks TLS, and with --client-ca it requires a client certificate
signed by that CA (the subject's CN is recorded as "client"). The Authorization header is
recorded as "authorization". It runs until killed.
"""
import argparse
import asyncio
import json
import sys

from cloudevents.core.bindings.http import HTTPMessage, from_http
from cloudevents.core.formats.json import JSONFormat

FORMAT = JSONFormat()
REASONS = {200: "OK", 202: "Accepted", 204: "No Content", 400: "Bad Request", 408: "Request Timeout",
           429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable"}


def decode(headers, body):
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/cloudevents-batch+json"):
        items = json.loads(body)
        if not isinstance(items, list):
            raise ValueError("a batch must be a JSON array")
        return "batch", [FORMAT.read(None, json.dumps(item).encode()) for item in items]
    mode = "binary" if any(name.startswith("ce-") for name in headers) else "structured"
    if mode == "structured" and not content_type.startswith("application/cloudevents+json"):
        raise ValueError(f"unexpected content type {content_type!r}")
    return mode, [from_http(HTTPMessage(headers=headers, body=body), FORMAT)]


def summary(event):
    seq = event.get_extension("seq")
    data = event.get_data()
    if isinstance(data, (bytes, bytearray)):
        data = {"bytes": len(data)}
    return {"id": event.get_id(), "seq": int(seq) if seq is not None else None,
            "key": event.get_extension("partitionkey"), "source": event.get_source(),
            "type": event.get_type(), "subject": event.get_subject(),
            "datacontenttype": event.get_datacontenttype(), "data": data}


class Receiver:
    def __init__(self, args, script):
        self.args = args
        self.plan = list(script.get("plan", []))
        self.reject = set(script.get("reject_seqs", []))
        self.ok_status = script.get("ok_status", 204)
        self.record = open(args.record, "a", buffering=1)
        self.count = 0
        self.server = None
        self.port = args.port
        self.writers = set()
        self.tls = None
        if args.tls_cert:
            import ssl
            self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls.load_cert_chain(args.tls_cert, args.tls_key)
            if args.client_ca:
                self.tls.load_verify_locations(args.client_ca)
                self.tls.verify_mode = ssl.CERT_REQUIRED

    async def listen(self):
        self.server = await asyncio.start_server(self.connection, "127.0.0.1", self.port, reuse_address=True,
                                                 ssl=self.tls)
        self.port = self.server.sockets[0].getsockname()[1]

    def write(self, entry):
        self.record.write(json.dumps(entry) + "\n")

    def step(self):
        """The current plan step, consuming one request of it."""
        while self.plan:
            step = self.plan[0]
            if "refuse_ms" in step:
                self.plan.pop(0)
                return step
            if step.get("count", 1) <= 0:
                self.plan.pop(0)
                continue
            step["count"] = step.get("count", 1) - 1
            return step
        return None

    async def refuse(self, milliseconds):
        self.server.close()
        for writer in list(self.writers):
            writer.close()
        await asyncio.sleep(milliseconds / 1000)
        await self.listen()

    async def connection(self, reader, writer):
        self.writers.add(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.count += 1
                entry = {"n": self.count}
                if "authorization" in headers:
                    entry["authorization"] = headers["authorization"]
                peer = writer.get_extra_info("peercert")
                if peer:
                    entry["client"] = dict(pair[0] for pair in peer["subject"]).get("commonName")
                try:
                    mode, events = decode(headers, body)
                    entry["mode"] = mode
                    entry["events"] = [summary(event) for event in events]
                except Exception as error:  # the SDK refused it: that is what the test checks
                    entry["error"] = f"{type(error).__name__}: {error}"
                    entry["answer"] = 400
                    self.write(entry)
                    await self.answer(writer, 400)
                    continue
                step = self.step()
                if step is not None and "refuse_ms" in step:
                    entry["answer"] = "refused"
                    self.write(entry)
                    await self.refuse(step["refuse_ms"])
                    return
                if step is not None and "hang_ms" in step:
                    entry["answer"] = "hang"
                    self.write(entry)
                    await asyncio.sleep(step["hang_ms"] / 1000)
                    return
                if step is not None:
                    status = step["status"]
                    extra = {"Retry-After": step["retry_after"]} if "retry_after" in step else {}
                elif any(event.get("seq") in self.reject for event in entry["events"]):
                    status, extra = 400, {}
                else:
                    status, extra = self.ok_status, {}
                entry["answer"] = status
                self.write(entry)
                await self.answer(writer, status, extra)
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            self.writers.discard(writer)
            writer.close()

    async def answer(self, writer, status, extra=None):
        text = f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\n"
        for name, value in (extra or {}).items():
            text += f"{name}: {value}\r\n"
        text += "Content-Length: 0\r\n\r\n" if status != 204 else "\r\n"
        writer.write(text.encode())
        await writer.drain()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--script", default="")
    parser.add_argument("--tls-cert", default="")
    parser.add_argument("--tls-key", default="")
    parser.add_argument("--client-ca", default="")
    args = parser.parse_args()
    script = json.load(open(args.script)) if args.script else {}
    receiver = Receiver(args, script)
    await receiver.listen()
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(receiver.port))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    await asyncio.Event().wait()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
