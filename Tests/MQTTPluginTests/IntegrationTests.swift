import Foundation
import TestSupport
import XCTest

/// The MQTT integration: applications authenticate with a user name and API key, subscribe to
/// `app/{app}` (shared: `$share/{group}/app/{app}`) and get each event as a structured CloudEvent
/// or, with `content-mode: binary`, as data plus user properties.
final class IntegrationTests: XCTestCase {
    nonisolated(unsafe) private static var shared: MQTTTestHost?
    private var host: MQTTTestHost { get throws { try XCTUnwrap(Self.shared) } }

    // No test here reads the sink's file: it records only what no test publishes, so the flood
    // of the slow-consumer test costs no disk. A short integration queue lets that flood overrun
    // it however slowly the host forwards it.
    override class func setUp() {
        shared = try? MQTTTestHost(sink: "[filter]\nchannels = [\"recorded\"]", mqtt: "integration_queue = 64")
    }
    override class func tearDown() { shared = nil }

    /// Two members of one shared group (a 5.0 and a 3.1.1 client) split the events: no event goes
    /// to both, together they get all; a plain subscriber beside them gets everything.
    func testSharedGroupMembersSplitEvents() throws {
        let channel = MQTTTestHost.uniqueChannel("shared")
        let result = try host.python("""
            import threading
            got = {"a": [], "b": [], "all": []}
            def member(name, v5, topic):
                client, rc = paho_client(INTEGRATION, v5=v5, client_id="member-" + name, username="reader", password="reader-key")
                assert rc == 0, rc
                subscribed = threading.Event()
                def on_message(_c, _u, message):
                    event = json.loads(message.payload)
                    if event["subject"] == "\(channel)":
                        got[name].append(event["data"]["n"])
                client.on_message = on_message
                client.on_subscribe = lambda *arguments: subscribed.set()
                client.subscribe(topic, qos=0)
                assert subscribed.wait(5)
                return client
            clients = [member("a", True, "$share/g/app/app"), member("b", False, "$share/g/app/app"), member("all", True, "app/app")]
            d = connected(DEVICE, "device-1@app", "secret")
            d.send(b"".join(publish("\(channel)", '{"n": %d}' % n, qos=1, packet_id=n + 1) for n in range(20)))
            for _ in range(20):
                d.expect(PUBACK)
            wait_until(lambda: len(got["a"]) + len(got["b"]) >= 20 and len(got["all"]) >= 20, 5)
            time.sleep(0.2)
            for client in clients:
                paho_stop(client)
            report(**got)
            """)
        let a = try XCTUnwrap(result["a"] as? [Int]), b = try XCTUnwrap(result["b"] as? [Int])
        XCTAssertFalse(a.isEmpty || b.isEmpty, "both members got a share: \(a) \(b)")
        XCTAssertEqual(Set(a).intersection(b), [], "no event went to both members")
        XCTAssertEqual(a.count + b.count, 20)
        XCTAssertEqual(Set(a).union(b), Set(0..<20), "together they got everything")
        XCTAssertEqual(result["all"] as? [Int], Array(0..<20), "a plain subscription gets every event, in order")
    }

    /// Structured mode, the default: the CloudEvent as JSON on the filter's topic (without the
    /// share prefix), content type `application/cloudevents+json; charset=utf-8` in 5.0; 3.1.1
    /// clients (mosquitto_sub, plain and TLS) get the same JSON.
    func testStructuredModeByDefault() throws {
        let host = try host
        let channel = MQTTTestHost.uniqueChannel("structured")
        // -d prints "received SUBACK": the consumers are subscribed before the device publishes.
        let plain = try host.mosquittoSub(["-d", "-V", "mqttv311", "-u", "reader", "-P", "reader-key", "-t", "app/app", "-v"])
        let tls = try host.mosquittoSub(["-d", "-V", "mqttv5", "-u", "reader", "-P", "reader-key", "-t", "a/app", "-v"] + host.tlsArguments(),
                                        port: host.integrationTLSPort)
        for consumer in [plain, tls] { XCTAssertTrue(consumer.waitForOutput(containing: "received SUBACK", seconds: 5), consumer.output) }
        let result = try host.python("""
            import threading
            messages = []
            client, rc = paho_client(INTEGRATION, v5=True, client_id="structured", username="reader", password="reader-key")
            subscribed = threading.Event()
            client.on_message = lambda _c, _u, m: messages.append(m)
            client.on_subscribe = lambda *arguments: subscribed.set()
            client.subscribe("$share/solo/application/app", qos=0)
            assert subscribed.wait(5)
            d = connected(DEVICE, "device-1@app", "secret")
            d.send(publish("\(channel)", '{"temp": 7}', qos=1, packet_id=1))
            d.expect(PUBACK)
            wait_until(lambda: any(json.loads(m.payload)["subject"] == "\(channel)" for m in messages), 5)
            message = next(m for m in messages if json.loads(m.payload)["subject"] == "\(channel)")
            paho_stop(client)
            report(topic=message.topic, content_type=message.properties.ContentType, event=json.loads(message.payload), qos=message.qos)
            """)
        XCTAssertEqual(result["topic"] as? String, "application/app")
        XCTAssertEqual(result["content_type"] as? String, "application/cloudevents+json; charset=utf-8")
        let event = try XCTUnwrap(result["event"] as? [String: Any])
        XCTAssertEqual(event["specversion"] as? String, "1.0")
        XCTAssertEqual(event["source"] as? String, "drogue://app/device%2D1")
        XCTAssertEqual(event["datacontenttype"] as? String, "application/json")
        XCTAssertEqual((event["data"] as? [String: Any])?["temp"] as? Int, 7)
        for (label, consumer) in [("3.1.1", plain), ("5.0 over TLS", tls)] {
            XCTAssertTrue(consumer.waitForOutput(containing: channel, seconds: 5), "\(label): \(consumer.output)")
            let line = consumer.output.split(separator: "\n").first { $0.contains(channel) }.map(String.init) ?? ""
            XCTAssertTrue(line.hasPrefix(label == "3.1.1" ? "app/app {" : "a/app {"), "\(label): \(line)")
            consumer.signal(SIGTERM)
        }
    }

    /// Binary mode (`content-mode: binary` as a user property of CONNECT or of SUBSCRIBE): the
    /// payload is the data, each attribute and extension a user property, the content type the
    /// event's.
    func testBinaryMode() throws {
        let channel = MQTTTestHost.uniqueChannel("binary")
        let result = try host.python("""
            import threading
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties
            received = {"connect": [], "subscribe": []}
            def consumer(name, connect_props, subscribe_props):
                client, rc = paho_client(INTEGRATION, v5=True, client_id="binary-" + name, username="reader",
                                         password="reader-key", props=connect_props)
                assert rc == 0, rc
                subscribed = threading.Event()
                client.on_message = lambda _c, _u, m: received[name].append(m)
                client.on_subscribe = lambda *arguments: subscribed.set()
                client.subscribe("app/app", qos=0, properties=subscribe_props)
                assert subscribed.wait(5)
                return client
            on_subscribe = Properties(PacketTypes.SUBSCRIBE)
            on_subscribe.UserProperty = ("content-mode", "binary")
            clients = [consumer("connect", connect_properties(**{"content-mode": "binary"}), None),
                       consumer("subscribe", None, on_subscribe)]
            d = connected(DEVICE, "device-1@app", "secret")
            d.send(publish("\(channel)", '{"temp": 8}', qos=1, packet_id=1))
            d.expect(PUBACK)
            def mine(name):
                return [m for m in received[name] if ("subject", "\(channel)") in m.properties.UserProperty]
            wait_until(lambda: mine("connect") and mine("subscribe"), 5)
            out = {}
            for name in received:
                m = mine(name)[0]
                out[name] = dict(payload=m.payload.decode(), content_type=m.properties.ContentType,
                                 user=dict(m.properties.UserProperty))
            for client in clients:
                paho_stop(client)
            report(**out)
            """)
        for name in ["connect", "subscribe"] {
            let message = try XCTUnwrap(result[name] as? [String: Any], name)
            XCTAssertEqual(message["payload"] as? String, "{\"temp\":8}", "\(name): the data itself")
            XCTAssertEqual(message["content_type"] as? String, "application/json", name)
            let user = try XCTUnwrap(message["user"] as? [String: String], name)
            XCTAssertEqual(user["specversion"], "1.0", name)
            XCTAssertEqual(user["type"], "io.drogue.event.v1", name)
            XCTAssertEqual(user["source"], "drogue://app/device%2D1", name)
            XCTAssertEqual(user["subject"], channel, name)
            XCTAssertEqual(user["application"], "app", name)
            XCTAssertEqual(user["device"], "device-1", name)
            XCTAssertNotNil(user["id"], name)
            XCTAssertNotNil(user["time"], name)
            XCTAssertNil(user["datacontenttype"], "\(name): the content type travels as the MQTT content type")
        }
    }

    /// A QoS 1 subscription: events arrive at QoS 1 and wait for PUBACK, at most the client's
    /// Receive Maximum unacknowledged at a time; paho acknowledges and gets them all.
    func testQoS1SubscriptionWaitsForPubAck() throws {
        let channel = MQTTTestHost.uniqueChannel("qos1")
        let result = try host.python("""
            import threading
            s = Raw(INTEGRATION, version=5)
            assert s.connect(client_id="qos1", username="reader", password="reader-key", props=[receive_maximum(2)]) == 0
            s.send(subscribe(1, [("app/app", 2)], version=5))
            granted = s.expect(SUBACK)["codes"]
            paho_messages = []
            client, rc = paho_client(INTEGRATION, v5=True, client_id="qos1-paho", username="reader", password="reader-key")
            subscribed = threading.Event()
            client.on_message = lambda _c, _u, m: paho_messages.append((json.loads(m.payload)["subject"], m.qos))
            client.on_subscribe = lambda *arguments: subscribed.set()
            client.subscribe("app/app", qos=1)
            assert subscribed.wait(5)
            d = connected(DEVICE, "device-2@app", "secret")
            d.send(b"".join(publish("\(channel)", '{"n": %d}' % n, qos=1, packet_id=n + 1) for n in range(5)))
            for _ in range(5):
                d.expect(PUBACK)
            first = [s.expect(PUBLISH) for _ in range(2)]
            try:
                extra = s.read(0.5)
            except TimeoutError:
                extra = None
            s.send(ack(PUBACK, first[0]["id"]))
            third = s.expect(PUBLISH)
            seen = first + [third]
            pending = [first[1]["id"], third["id"]]
            while sum(1 for p in seen if json.loads(p["payload"])["subject"] == "\(channel)") < 5:
                s.send(ack(PUBACK, pending.pop(0)))
                p = s.expect(PUBLISH)
                seen.append(p)
                pending.append(p["id"])
            wait_until(lambda: sum(1 for subject, _ in paho_messages if subject == "\(channel)") >= 5, 5)
            paho_stop(client)
            report(granted=granted, qos=sorted(set(p["qos"] for p in seen)), extra=extra is not None,
                   n=[json.loads(p["payload"])["data"]["n"] for p in seen if json.loads(p["payload"])["subject"] == "\(channel)"],
                   paho=[q for subject, q in paho_messages if subject == "\(channel)"])
            """)
        XCTAssertEqual(result["granted"] as? [Int], [1], "QoS 2 asked, 1 granted")
        XCTAssertEqual(result["qos"] as? [Int], [1])
        XCTAssertEqual(result["extra"] as? Bool, false, "no third delivery while two wait for PUBACK (Receive Maximum 2)")
        XCTAssertEqual(result["n"] as? [Int], Array(0..<5), "in order")
        XCTAssertEqual(result["paho"] as? [Int], [1, 1, 1, 1, 1])
    }

    /// Authentication and subscription refusals, in both versions.
    func testRefusals() throws {
        let result = try host.python("""
            out = {}
            for version in (4, 5):
                for label, user, password in (("wrong key", "reader", "nope"), ("unknown user", "nobody", "x"),
                                              ("a JWT no authenticator knows", "token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig")):
                    c = Raw(INTEGRATION, version=version)
                    out["%s v%d" % (label, version)] = c.connect(client_id="refused", username=user, password=password)
                none = Raw(INTEGRATION, version=version)
                out["no credentials v%d" % version] = none.connect(client_id="anonymous")
                s = connected(INTEGRATION, "stranger", "stranger-key", client_id="stranger", version=version)
                s.send(subscribe(1, [("app/app", 0)], version=version))
                out["stranger v%d" % version] = s.expect(SUBACK)["codes"]
                r = connected(INTEGRATION, "reader", "reader-key", client_id="reader", version=version)
                r.send(subscribe(1, [("app/+", 0), ("app/#", 0), ("foo/bar", 0), ("app/nowhere", 0), ("app/app/extra", 0),
                                     ("$share/g/app/+", 0), ("app/app", 1)], version=version))
                out["filters v%d" % version] = r.expect(SUBACK)["codes"]
            report(**out)
            """)
        for version in [4, 5] {
            let bad = version == 4 ? 4 : 0x86
            XCTAssertEqual(result.int("wrong key v\(version)"), bad)
            XCTAssertEqual(result.int("unknown user v\(version)"), bad)
            XCTAssertEqual(result.int("a JWT no authenticator knows v\(version)"), bad)
            XCTAssertEqual(result.int("no credentials v\(version)"), bad)
            XCTAssertEqual(result["stranger v\(version)"] as? [Int], [version == 4 ? 0x80 : 0x87])
            let failure: (Int) -> Int = { version == 4 ? 0x80 : $0 }
            XCTAssertEqual(result["filters v\(version)"] as? [Int],
                           [failure(0xA2), failure(0xA2), failure(0x8F), failure(0x87), failure(0x8F), failure(0xA2), 1])
        }
    }

    /// A consumer that stops reading loses events, counted, instead of making the host buffer
    /// them without bound; one whose Maximum Packet Size an event exceeds never gets that event.
    func testSlowAndSmallConsumersLoseEvents() throws {
        let host = try host
        let channel = MQTTTestHost.uniqueChannel("flood")
        let result = try host.python("""
            stalled = Raw(INTEGRATION, version=5, receive_buffer=4096)
            assert stalled.connect(client_id="stalled", username="reader", password="reader-key") == 0
            stalled.send(subscribe(1, [("app/app", 0)], version=5))
            stalled.expect(SUBACK)
            small = Raw(INTEGRATION, version=5)
            assert small.connect(client_id="small", username="reader", password="reader-key", props=[maximum_packet_size(1000)]) == 0
            small.send(subscribe(1, [("app/app", 0)], version=5))
            small.expect(SUBACK)
            d = connected(DEVICE, "device-1@app", "secret", version=5)
            d.send(publish("\(channel)-small", '{"size": "small"}', version=5))
            d.send(publish("\(channel)-small", '{"size": "%s"}' % ("x" * 2000), version=5))
            d.send(publish("\(channel)-small", '{"size": "small again"}', qos=1, packet_id=1, version=5))
            d.expect(PUBACK)
            got_small = []
            while len(got_small) < 2:
                event = json.loads(small.expect(PUBLISH)["payload"])
                if event["subject"] == "\(channel)-small":
                    got_small.append(event["data"]["size"])
            small.close()
            blob = '"%s"' % ("y" * 16000)
            for n in range(1000):
                d.send(publish("\(channel)", blob, version=5))
            d.send(publish("\(channel)", "{}", qos=1, packet_id=2, version=5))
            d.expect(PUBACK)
            time.sleep(1)
            received = 0
            try:
                while True:
                    p = stalled.read(1)
                    received += json.loads(p["payload"])["subject"] == "\(channel)"
            except TimeoutError:
                pass
            report(got_small=got_small, received=received)
            """, seconds: 60)
        XCTAssertEqual(result["got_small"] as? [String], ["small", "small again"], "the event over 1000 bytes was not sent")
        let received = result.int("received")
        let metrics = host.host.admin("/metrics")?.body ?? ""
        XCTAssertGreaterThan(received, 0)
        XCTAssertLessThan(received, 1000, "a stalled consumer loses events: \(metrics.split(separator: "\n").filter { $0.contains("dropped") })")
        func sum(_ prefix: String) -> Double {
            metrics.split(separator: "\n").filter { $0.hasPrefix(prefix) }.compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        }
        XCTAssertGreaterThan(sum("tributary_bus_events_dropped_total"), 0, "the stalled consumer's losses are counted where the host holds its queue")
        XCTAssertEqual(sum("tributary_plugin_mqtt_integration_events_dropped_total"), 0,
                       "the oversized event is refused before it is taken, so the host counted it with the rest")
    }

    /// A consumer that falls behind for a while (here: stops reading during a burst) loses
    /// nothing at the default settings: its subscription pauses and the burst waits in the host.
    func testABurstIsAbsorbedAtTheDefaultSettings() throws {
        let host = try MQTTTestHost(sink: "[filter]\nchannels = [\"recorded\"]")
        let result = try host.python("""
            late = Raw(INTEGRATION, version=5, receive_buffer=4096)
            assert late.connect(client_id="late", username="reader", password="reader-key") == 0
            late.send(subscribe(1, [("app/app", 0)], version=5))
            late.expect(SUBACK)
            d = connected(DEVICE, "device-1@app", "secret", version=5)
            blob = '"%s"' % ("z" * 1000)
            for n in range(3000):
                d.send(publish("burst", blob, version=5))
            d.send(publish("burst", "{}", qos=1, packet_id=1, version=5))
            d.expect(PUBACK)
            received = 0
            try:
                while received < 3001:
                    p = late.read(5)
                    received += json.loads(p["payload"])["subject"] == "burst"
            except TimeoutError:
                pass
            report(received=received)
            """, seconds: 60)
        XCTAssertEqual(result.int("received"), 3001, "every event of the burst reached the consumer")
        let metrics = host.host.admin("/metrics")?.body ?? ""
        // Series per application appear with their first drop: none, or only zeros, for mqtt.
        let drops = metrics.split(separator: "\n").filter { $0.hasPrefix("tributary_bus_events_dropped_total{") && $0.contains("instance=\"mqtt\"") }
        XCTAssertTrue(drops.allSatisfy { $0.hasSuffix(" 0") }, drops.joined(separator: "\n"))
    }
}
