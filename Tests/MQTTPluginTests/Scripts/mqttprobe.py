"""Test clients for the mqtt plugin's end-to-end tests (Debian's /usr/bin/python3).

`Raw` speaks MQTT 3.1.1 and 5.0 byte by byte, so a test can send exactly what it wants (pipelined
packets, a QoS 2 PUBLISH resent before PUBREL, malformed packets) and see exactly what comes back
(reason codes paho hides, the moment a connection closes). `paho_client` is python3-paho-mqtt 1.6,
a real client as applications use it. Every read and wait is bounded.
"""
import json
import socket
import ssl
import struct
import sys
import threading
import time

CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP = 1, 2, 3, 4, 5, 6, 7
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT = 8, 9, 10, 11, 12, 13, 14


def report(**values):
    """The one JSON line a script prints for the Swift test to read."""
    print(json.dumps(values), flush=True)


# ---- encoding ----------------------------------------------------------------------------------

def vbi(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def string(text):
    data = text.encode() if isinstance(text, str) else bytes(text)
    return struct.pack("!H", len(data)) + data


def packet(first, body):
    return bytes([first]) + vbi(len(body)) + body


def user_property(name, value):
    return b"\x26" + string(name) + string(value)


def content_type(value):
    return b"\x03" + string(value)


def receive_maximum(value):
    return b"\x21" + struct.pack("!H", value)


def maximum_packet_size(value):
    return b"\x27" + struct.pack("!I", value)


def properties(*encoded):
    block = b"".join(encoded)
    return vbi(len(block)) + block


def connect(client_id="", version=4, username=None, password=None, keepalive=60, clean=True, will=None, props=()):
    """`will` = (topic, payload[, qos])."""
    flags = 0x02 if clean else 0
    payload = string(client_id)
    if will is not None:
        flags |= 0x04 | ((will[2] if len(will) > 2 else 0) << 3)
        payload += (properties() if version == 5 else b"") + string(will[0]) + string(will[1])
    if username is not None:
        flags |= 0x80
        payload += string(username)
    if password is not None:
        flags |= 0x40
        payload += string(password)
    body = string("MQTT") + bytes([version, flags]) + struct.pack("!H", keepalive)
    body += (properties(*props) if version == 5 else b"") + payload
    return packet(0x10, body)


def publish(topic, payload, qos=0, packet_id=None, dup=False, version=4, props=()):
    first = 0x30 | (qos << 1) | (0x08 if dup else 0)
    body = string(topic) + (struct.pack("!H", packet_id) if qos else b"")
    body += (properties(*props) if version == 5 else b"")
    return packet(first, body + (payload.encode() if isinstance(payload, str) else payload))


def subscribe(packet_id, filters, version=4, props=()):
    """`filters`: [(filter, qos)]."""
    body = struct.pack("!H", packet_id) + (properties(*props) if version == 5 else b"")
    for topic, qos in filters:
        body += string(topic) + bytes([qos])
    return packet(0x82, body)


def unsubscribe(packet_id, filters, version=4):
    body = struct.pack("!H", packet_id) + (properties() if version == 5 else b"")
    return packet(0xA2, body + b"".join(string(f) for f in filters))


def ack(kind, packet_id):
    return packet((kind << 4) | (0x02 if kind == PUBREL else 0), struct.pack("!H", packet_id))


def disconnect(version=4, reason=0):
    return packet(0xE0, bytes([reason]) if version == 5 and reason else b"")


PINGREQ_BYTES = b"\xc0\x00"


# ---- decoding ----------------------------------------------------------------------------------

_SIZES = {1: 1, 0x17: 1, 0x19: 1, 0x24: 1, 0x25: 1, 0x28: 1, 0x29: 1, 0x2A: 1,
          0x13: 2, 0x21: 2, 0x22: 2, 0x23: 2, 0x02: 4, 0x11: 4, 0x18: 4, 0x27: 4}
_STRINGS = {0x03: "content_type", 0x08: "response_topic", 0x12: "assigned_client_id", 0x15: "auth_method",
            0x1A: "response_information", 0x1C: "server_reference", 0x1F: "reason_string"}


def read_vbi(data, offset):
    value, shift = 0, 0
    while True:
        byte = data[offset]
        offset += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, offset


def read_properties(data, offset):
    """Returns (dict, next offset): strings by name, user properties as a list, numbers by id."""
    length, offset = read_vbi(data, offset)
    end, found = offset + length, {"user": []}
    while offset < end:
        ident, offset = read_vbi(data, offset)
        if ident in _SIZES:
            size = _SIZES[ident]
            found[ident] = int.from_bytes(data[offset:offset + size], "big")
            offset += size
        elif ident == 0x0B:
            found[ident], offset = read_vbi(data, offset)
        elif ident in _STRINGS or ident in (0x09, 0x16):
            size = struct.unpack("!H", data[offset:offset + 2])[0]
            value = data[offset + 2:offset + 2 + size]
            found[_STRINGS.get(ident, ident)] = value.decode() if ident in _STRINGS else value.hex()
            offset += 2 + size
        elif ident == 0x26:
            pair = []
            for _ in range(2):
                size = struct.unpack("!H", data[offset:offset + 2])[0]
                pair.append(data[offset + 2:offset + 2 + size].decode())
                offset += 2 + size
            found["user"].append(pair)
        else:
            raise ValueError("unknown property %d" % ident)
    return found, end


def decode(kind, flags, body, version):
    p = {"type": kind, "flags": flags}
    if kind == CONNACK:
        p["session_present"], p["rc"] = body[0], body[1]
        if version == 5 and len(body) > 2:
            p["props"], _ = read_properties(body, 2)
    elif kind == PUBLISH:
        size = struct.unpack("!H", body[:2])[0]
        p["topic"] = body[2:2 + size].decode()
        offset, qos = 2 + size, (flags >> 1) & 3
        p["qos"] = qos
        if qos:
            p["id"] = struct.unpack("!H", body[offset:offset + 2])[0]
            offset += 2
        if version == 5:
            p["props"], offset = read_properties(body, offset)
        p["payload"] = body[offset:]
    elif kind in (PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK):
        p["id"] = struct.unpack("!H", body[:2])[0]
        p["rc"] = body[2] if version == 5 and len(body) > 2 else 0
        if kind == UNSUBACK and version == 5:
            _, offset = read_properties(body, 2)
            p["codes"] = list(body[offset:])
    elif kind == SUBACK:
        p["id"] = struct.unpack("!H", body[:2])[0]
        offset = 2
        if version == 5:
            _, offset = read_properties(body, 2)
        p["codes"] = list(body[offset:])
    elif kind == DISCONNECT:
        p["rc"] = body[0] if body else 0
    return p


class Closed(Exception):
    """The server closed the connection."""


class Raw:
    """One raw MQTT connection; `tls` = {"ca": ..., "cert": ..., "key": ...} (cert optional)."""

    def __init__(self, port, version=4, tls=None, timeout=5, receive_buffer=None):
        self.version = version
        self.buffer = b""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.settimeout(timeout)
        sock.connect(("127.0.0.1", port))
        if tls is not None:
            context = ssl.create_default_context(cafile=tls["ca"])
            if tls.get("cert"):
                context.load_cert_chain(tls["cert"], tls["key"])
            sock = context.wrap_socket(sock, server_hostname="localhost")
        self.sock = sock

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no packet in time")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise TimeoutError("no packet in time")
        except (ConnectionResetError, ssl.SSLError):
            chunk = b""
        if not chunk:
            raise Closed()
        self.buffer += chunk

    def read(self, timeout=5):
        """The next packet as a dict; raises Closed or TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buffer) >= 2:
                try:
                    length, offset = read_vbi(self.buffer, 1)
                except IndexError:
                    length = None
                if length is not None and len(self.buffer) >= offset + length:
                    first, body = self.buffer[0], self.buffer[offset:offset + length]
                    self.buffer = self.buffer[offset + length:]
                    return decode(first >> 4, first & 0x0F, body, self.version)
            self._fill(deadline)

    def expect(self, kind, timeout=5):
        """The next packet, which must be of `kind`."""
        p = self.read(timeout)
        if p["type"] != kind:
            raise AssertionError("expected packet type %d, got %r" % (kind, p))
        return p

    def connect(self, timeout=5, **arguments):
        """Sends CONNECT and returns the CONNACK's code (None when closed without one)."""
        arguments.setdefault("version", self.version)
        self.send(connect(**arguments))
        try:
            return self.expect(CONNACK, timeout)["rc"]
        except Closed:
            return None

    def closed_after(self, timeout=5):
        """Reads until the server closes; returns (seconds it took, packets seen) or (None, packets)."""
        start, seen = time.monotonic(), []
        try:
            while True:
                seen.append(self.read(max(0.001, timeout - (time.monotonic() - start))))
        except Closed:
            return time.monotonic() - start, seen
        except TimeoutError:
            return None, seen

    def close(self):
        self.sock.close()


def connected(port, username, password, client_id="probe", version=4, **arguments):
    """A connected raw client (asserts CONNACK success)."""
    client = Raw(port, version=version)
    rc = client.connect(client_id=client_id, username=username, password=password, **arguments)
    if rc != 0:
        raise AssertionError("CONNACK %r" % rc)
    return client


# ---- paho --------------------------------------------------------------------------------------

def paho_client(port, v5=False, client_id="", username=None, password=None, tls=None, props=None, timeout=5):
    """A paho client; returns (client, CONNACK code or None). Once accepted, its network loop runs
    in paho's thread; the CONNECT itself is driven here, so a refusal costs no reconnect wait."""
    import paho.mqtt.client as mqtt
    client = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
                         clean_session=None if v5 else True)
    result = {}

    def on_connect(_client, _userdata, _flags, rc, _properties=None):
        result["rc"] = getattr(rc, "value", rc)

    def on_disconnect(_client, _userdata, rc, _properties=None):
        result.setdefault("rc", None)

    client.on_connect = on_connect
    client.on_disconnect = on_disconnect
    if username is not None:
        client.username_pw_set(username, password)
    if tls is not None:
        client.tls_set(ca_certs=tls["ca"], certfile=tls.get("cert"), keyfile=tls.get("key"))
    if v5:
        client.connect("localhost", port, keepalive=30, properties=props)
    else:
        client.connect("localhost", port, keepalive=30)
    deadline = time.monotonic() + timeout
    while "rc" not in result and time.monotonic() < deadline:
        client.loop(timeout=0.02)
    if result.get("rc") == 0:
        client.loop_start()
    return client, result.get("rc")


def paho_stop(client):
    client.disconnect()
    client.loop_stop()


def connect_properties(**user):
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties
    props = Properties(PacketTypes.CONNECT)
    props.UserProperty = list(user.items())
    return props


def wait_until(predicate, timeout=5, step=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def events(path):
    """The events the recording sink wrote so far."""
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


def fail(message):
    print(json.dumps({"error": message}), flush=True)
    sys.exit(1)
