import Foundation
import TestSupport
import XCTest

/// The real binary pushing to a receiver that misbehaves on cue, decoded by the CloudEvents
/// Python SDK. What every test checks: every event a device saw acknowledged reached the
/// receiver at least once (duplicates are counted and printed, never a failure), events of one
/// partition key arrived in order, and what the receiver refused is in the dead-letter file and
/// was never acknowledged.
final class WebhookEndToEndTests: XCTestCase {
    override func setUpWithError() throws {
        try WebhookHarness.requireCloudEvents()
    }

    private func scriptAdapter(_ dir: String, name: String, device: String, count: Int, extra: String = "") throws -> String {
        """
        plugin = "\(try WebhookHarness.scriptAdapter.get())"
        record = "\(dir)/\(name).json"
        acked = "\(dir)/\(name).acked"
        acked_log = "\(dir)/\(name).acked-log"
        count = \(count)
        device = "\(device)"
        \(extra)
        """
    }

    private func hook(url: String, _ extra: String = "") -> String {
        "plugin = \"webhook-push\"\nurl = \"\(url)\"\n\(extra)\n"
    }

    /// (key, seq) of what a script adapter's device saw acknowledged.
    private func acked(_ path: String, key: String) -> Set<String> {
        Set(WebhookHarness.lines(path).map { "\(key)#\($0)" })
    }

    /// Asserts order per key among first deliveries and returns the duplicates.
    private func checkOrder(_ delivered: [(key: String, seq: Int)], file: StaticString = #filePath, line: UInt = #line) -> Int {
        var seen: Set<String> = []
        var last: [String: Int] = [:]
        var duplicates = 0
        for (key, seq) in delivered {
            guard seen.insert("\(key)#\(seq)").inserted else {
                duplicates += 1
                continue
            }
            if let previous = last[key] {
                XCTAssertGreaterThan(seq, previous, "key \(key): \(seq) arrived after \(previous)", file: file, line: line)
            }
            last[key] = seq
        }
        return duplicates
    }

    func testMisbehavingReceiverLosesNothingAndDeadLettersTheRefused() throws {
        let dir = WebhookHarness.temporaryDirectory("misbehave")
        let rejected = [7, 42]
        let receiver = try Receiver(directory: dir, script: """
            {"plan": [{"status": 500, "count": 5}, {"hang_ms": 1500, "count": 1}, {"refuse_ms": 1500},
                      {"status": 429, "retry_after": "1", "count": 3}, {"status": 503, "count": 2}, {"status": 408, "count": 1}],
             "reject_seqs": \(rejected), "ok_status": 204}
            """)
        defer { receiver.stop() }
        let devices = ["d1", "d2", "d3"]
        let count = 120
        var files = ["10-hook.conf": hook(url: receiver.url, """
            request_timeout_ms = 500
            retry_base_ms = 20
            retry_cap_ms = 300
            max_connections = 4
            dead_letter_file = "\(dir)/dead.jsonl"
            """)]
        for (index, device) in devices.enumerated() {
            files["2\(index)-\(device).conf"] = try scriptAdapter(dir, name: device, device: device, count: count, extra: "window = 16\nrate = 100")
        }
        for (name, text) in files { try WebhookHarness.write(text, to: "\(dir)/conf/\(name)") }
        let host = try Host(directory: dir)
        defer { host.child.kill() }
        for device in devices {
            XCTAssertTrue(WebhookHarness.wait(seconds: 45) { WebhookHarness.jsonObject("\(dir)/\(device).json") != nil },
                          "\(device) did not finish:\n\(host.child.output)")
        }
        let deadLettered = host.metric("tributary_plugin_webhook_push_dead_lettered_total{instance=\"hook\"}")
        let retried = host.metric("tributary_plugin_webhook_push_retried_total{instance=\"hook\"}") ?? 0
        XCTAssertEqual(host.child.kill(), 0, host.child.output)

        var acknowledged: Set<String> = []
        for device in devices {
            let summary = try XCTUnwrap(WebhookHarness.jsonObject("\(dir)/\(device).json"))
            XCTAssertEqual(summary["published"] as? Int, count)
            XCTAssertEqual(summary["ok"] as? Int, count - rejected.count, "\(device): \(summary)")
            XCTAssertEqual(summary["other_error"] as? Int, rejected.count, "the refused ones failed towards the device")
            XCTAssertEqual(summary["pending"] as? Int, 0)
            acknowledged.formUnion(acked("\(dir)/\(device).acked", key: "app/\(device)"))
        }
        let requests = receiver.requests
        XCTAssertTrue(requests.allSatisfy { $0["error"] == nil }, "the SDK refused: \(requests.filter { $0["error"] != nil })")
        XCTAssertTrue(requests.allSatisfy { $0["mode"] as? String == "binary" })
        for answer in ["hang", "refused"] {
            XCTAssertTrue(requests.contains { $0["answer"] as? String == answer }, "the plan's \(answer) happened")
        }
        for status in [500, 429, 503, 408, 400] {
            XCTAssertTrue(requests.contains { $0["answer"] as? Int == status }, "the plan's \(status) happened")
        }
        let delivered = receiver.delivered
        let received = Set(delivered.map { "\($0.key)#\($0.seq)" })
        let missing = acknowledged.subtracting(received)
        XCTAssertTrue(missing.isEmpty, "acknowledged but never delivered: \(missing.sorted())")
        let duplicates = checkOrder(delivered)
        print("webhook-push misbehaving receiver: \(acknowledged.count) acknowledged, \(delivered.count) deliveries, \(duplicates) duplicates, \(Int(retried)) retried, \(requests.count) requests")

        let refused = Set(devices.flatMap { device in rejected.map { "app/\(device)#\($0)" } })
        XCTAssertTrue(acknowledged.isDisjoint(with: refused), "a refused event was acknowledged")
        XCTAssertTrue(received.isDisjoint(with: refused), "a refused event counted as delivered")
        let dead = WebhookHarness.jsonLines("\(dir)/dead.jsonl")
        let deadKeys = Set(dead.compactMap { line -> String? in
            guard let event = line["event"] as? [String: Any], let seq = event["seq"] as? String, let key = event["partitionkey"] as? String else { return nil }
            return "\(key)#\(seq)"
        })
        XCTAssertEqual(deadKeys, refused)
        XCTAssertTrue(dead.allSatisfy { $0["status"] as? Int == 400 }, "\(dead)")
        XCTAssertEqual(deadLettered, Double(refused.count))
    }

    func testStructuredAndBatchModesDecodeWithTheCloudEventsSDK() throws {
        let dir = WebhookHarness.temporaryDirectory("modes")
        let structured = try Receiver(directory: dir, name: "structured")
        defer { structured.stop() }
        let batch = try Receiver(directory: dir, name: "batch")
        defer { batch.stop() }
        let binary = try Receiver(directory: dir, name: "binary")
        defer { binary.stop() }
        let count = 300
        try WebhookHarness.write(hook(url: structured.url, "mode = \"structured\""), to: "\(dir)/conf/10-structured.conf")
        try WebhookHarness.write(hook(url: batch.url, "mode = \"batch\"\nbatch_size = 25\nbatch_linger_ms = 30"), to: "\(dir)/conf/11-batch.conf")
        try WebhookHarness.write(hook(url: binary.url), to: "\(dir)/conf/12-binary.conf")
        // JSON, text and binary payloads: data inline, as a string, and as data_base64.
        try WebhookHarness.write(try scriptAdapter(dir, name: "json", device: "sensor-1", count: count), to: "\(dir)/conf/20-json.conf")
        try WebhookHarness.write(try scriptAdapter(dir, name: "text", device: "sensor 2", count: 20,
                                                   extra: "content_type = \"text/plain\"\npayload = \"hello \\\"{seq}\\\" ünïcode\""),
                                 to: "\(dir)/conf/21-text.conf")
        try WebhookHarness.write(try scriptAdapter(dir, name: "bytes", device: "sensor3", count: 20,
                                                   extra: "content_type = \"application/octet-stream\"\npayload_size = 100"),
                                 to: "\(dir)/conf/22-bytes.conf")
        let host = try Host(directory: dir)
        defer { host.child.kill() }
        for name in ["json", "text", "bytes"] {
            XCTAssertTrue(WebhookHarness.wait(seconds: 30) { WebhookHarness.jsonObject("\(dir)/\(name).json") != nil }, host.child.output)
        }
        XCTAssertEqual(host.child.kill(), 0, host.child.output)
        let total = count + 40
        for (receiver, mode) in [(structured, "structured"), (batch, "batch"), (binary, "binary")] {
            let requests = receiver.requests
            XCTAssertTrue(requests.allSatisfy { $0["error"] == nil && $0["mode"] as? String == mode },
                          "\(mode): \(requests.filter { $0["error"] != nil || $0["mode"] as? String != mode }.prefix(3))")
            let events = requests.flatMap { ($0["events"] as? [[String: Any]]) ?? [] }
            XCTAssertEqual(Set(events.map { "\($0["key"]!)#\($0["seq"]!)" }).count, total, mode)
            let json = events.filter { ($0["key"] as? String) == "app/sensor%2D1" }
            XCTAssertEqual(json.count, count, "\(mode): the partition key is percent-encoded by the host")
            XCTAssertTrue(json.allSatisfy { ($0["data"] as? [String: Any])?["seq"] as? Int == $0["seq"] as? Int }, mode)
            XCTAssertTrue(json.allSatisfy { $0["source"] as? String == "drogue://app/sensor%2D1" && $0["type"] as? String == "io.drogue.event.v1"
                && $0["subject"] as? String == "telemetry" && $0["datacontenttype"] as? String == "application/json" }, "\(mode): \(json.first ?? [:])")
            let text = events.filter { ($0["key"] as? String) == "app/sensor%202" }
            XCTAssertTrue(text.allSatisfy { ($0["data"] as? String)?.hasPrefix("hello \"") ?? false } && text.count == 20,
                          "\(mode) text: \(text.first ?? [:])")
            let bytes = events.filter { ($0["key"] as? String) == "app/sensor3" }
            // The SDK hands binary-mode bodies that are valid UTF-8 back as text, data_base64 as bytes.
            XCTAssertTrue(bytes.allSatisfy { ($0["data"] as? [String: Any])?["bytes"] as? Int == 100 || ($0["data"] as? String)?.utf8.count == 100 }
                          && bytes.count == 20,
                          "\(mode) bytes: \(bytes.first ?? [:])")
            _ = checkOrder(receiver.delivered)
        }
        XCTAssertLessThan(batch.requests.count, total / 3, "events were batched")
        XCTAssertTrue(batch.requests.allSatisfy { (($0["events"] as? [Any])?.count ?? 0) <= 25 }, "batch_size bounds a batch")
    }

    func testSpoolDeliversEveryAcknowledgedEventAfterKill9() throws {
        let dir = WebhookHarness.temporaryDirectory("kill9")
        // The receiver is down for the first run: its port is held by a socket that never
        // answers, so everything waits in the spool.
        let holder = try PortHolder()
        let port = holder.port
        let spool = "\(dir)/spool"
        try WebhookHarness.write(hook(url: "http://127.0.0.1:\(port)/events", """
            spool_dir = "\(spool)"
            retry_base_ms = 20
            retry_cap_ms = 200
            request_timeout_ms = 1000
            """), to: "\(dir)/conf/10-hook.conf")
        try WebhookHarness.write(try scriptAdapter(dir, name: "d1", device: "d1", count: 100_000, extra: "rate = 2000\nwindow = 32"),
                                 to: "\(dir)/conf/20-d1.conf")
        try WebhookHarness.write(try scriptAdapter(dir, name: "d2", device: "d2", count: 100_000, extra: "rate = 2000\nwindow = 32"),
                                 to: "\(dir)/conf/21-d2.conf")
        let first = try Host(directory: dir, label: "host1")
        XCTAssertTrue(WebhookHarness.wait(seconds: 20) { WebhookHarness.lines("\(dir)/d1.acked-log").count > 1500 })
        first.child.kill(signal: SIGKILL)
        var acknowledged = acked("\(dir)/d1.acked-log", key: "app/d1").union(acked("\(dir)/d2.acked-log", key: "app/d2"))
        XCTAssertGreaterThan(acknowledged.count, 1500)

        // Second run: same spool, the receiver up, a short stream of new events on top.
        holder.close()
        let receiver = try Receiver(directory: dir, port: port)
        defer { receiver.stop() }
        try FileManager.default.removeItem(atPath: "\(dir)/conf/21-d2.conf")
        try WebhookHarness.write(try scriptAdapter(dir, name: "d3", device: "d3", count: 200), to: "\(dir)/conf/20-d1.conf")
        let second = try Host(directory: dir, label: "host2")
        defer { second.child.kill() }
        XCTAssertTrue(WebhookHarness.wait(seconds: 10) { WebhookHarness.jsonObject("\(dir)/d3.json") != nil }, second.child.output)
        acknowledged.formUnion(acked("\(dir)/d3.acked-log", key: "app/d3"))
        let arrived = WebhookHarness.wait(seconds: 40) {
            acknowledged.isSubset(of: Set(receiver.delivered.map { "\($0.key)#\($0.seq)" }))
        }
        let delivered = receiver.delivered
        let missing = acknowledged.subtracting(delivered.map { "\($0.key)#\($0.seq)" })
        XCTAssertTrue(arrived && missing.isEmpty, "acknowledged before kill -9 but never delivered: \(missing.count), e.g. \(missing.sorted().prefix(10))\n\(second.child.output)")
        let duplicates = checkOrder(delivered)
        print("webhook-push kill -9: \(acknowledged.count) acknowledged, \(delivered.count) deliveries, \(duplicates) duplicates")
        XCTAssertTrue(second.child.output.contains("sending from the spool"), second.child.output)
        XCTAssertEqual(second.child.kill(), 0, second.child.output)
    }

    /// A reload replaces the sink while events wait for a consumer answering 503: without a spool
    /// the old instance cancels what it holds and the host hands it to the new one; with a spool
    /// the new instance takes the spool over. Either way every event is acknowledged once and
    /// delivered.
    func testReloadHandsPendingEventsToTheNewInstance() throws {
        for spooled in [false, true] {
            let dir = WebhookHarness.temporaryDirectory(spooled ? "reload-spool" : "reload")
            let receiver = try Receiver(directory: dir, script: """
                {"plan": [{"status": 503, "retry_after": "1", "count": 16}]}
                """)
            defer { receiver.stop() }
            let spool = spooled ? "spool_dir = \"\(dir)/spool\"\n" : ""
            let settings = "retry_base_ms = 10\nretry_cap_ms = 100\nmax_connections = 2\n" + spool
            try WebhookHarness.write(hook(url: receiver.url, settings + "request_timeout_ms = 1000"), to: "\(dir)/conf/10-hook.conf")
            try WebhookHarness.write(try scriptAdapter(dir, name: "d1", device: "d1", count: 200, extra: "rate = 200"), to: "\(dir)/conf/20-d1.conf")
            try WebhookHarness.write(try scriptAdapter(dir, name: "d2", device: "d2", count: 200, extra: "rate = 200"), to: "\(dir)/conf/21-d2.conf")
            let host = try Host(directory: dir)
            defer { host.child.kill() }
            XCTAssertTrue(WebhookHarness.wait(seconds: 10) { receiver.requests.count >= 10 })
            try WebhookHarness.write(hook(url: receiver.url, settings + "request_timeout_ms = 2000"), to: "\(dir)/conf/10-hook.conf")
            let reload = host.admin("/reload", method: "POST")
            XCTAssertEqual(reload?.status, 200, "\(reload?.body ?? "no answer")\n\(host.child.output)")
            for device in ["d1", "d2"] {
                XCTAssertTrue(WebhookHarness.wait(seconds: 40) { WebhookHarness.jsonObject("\(dir)/\(device).json") != nil }, host.child.output)
                let summary = try XCTUnwrap(WebhookHarness.jsonObject("\(dir)/\(device).json"))
                XCTAssertEqual(summary["ok"] as? Int, 200, "spool \(spooled), \(device): \(summary)")
                XCTAssertEqual(summary["duplicates"] as? Int, 0)
            }
            let acknowledged = acked("\(dir)/d1.acked", key: "app/d1").union(acked("\(dir)/d2.acked", key: "app/d2"))
            let arrived = WebhookHarness.wait(seconds: 30) {
                acknowledged.isSubset(of: Set(receiver.delivered.map { "\($0.key)#\($0.seq)" }))
            }
            let missing = acknowledged.subtracting(receiver.delivered.map { "\($0.key)#\($0.seq)" })
            XCTAssertTrue(arrived, "spool \(spooled): never delivered: \(missing.sorted().prefix(10))\n\(host.child.output)")
            let duplicates = checkOrder(receiver.delivered)
            print("webhook-push reload (spool \(spooled)): \(acknowledged.count) acknowledged, \(duplicates) duplicates")
            if spooled {
                XCTAssertTrue(host.child.output.contains("sending from the spool"), host.child.output)
            }
            XCTAssertEqual(host.child.kill(), 0, host.child.output)
        }
    }

    /// An https consumer that requires a client certificate: the sink verifies the consumer
    /// against `ca_file`, presents its certificate, and sends the bearer token read by the host
    /// from a file; a consumer with a certificate from another CA gets nothing.
    func testHTTPSWithClientCertificateAndBearerToken() throws {
        let dir = WebhookHarness.temporaryDirectory("tls")
        let pki = try TestPKI()
        let ca = try pki.authority("ca", subject: "/CN=Test CA")
        let server = try pki.server("server", issuer: ca)
        let client = try pki.client("client", subject: "/CN=tributary", issuer: ca)
        let rogueCA = try pki.authority("rogue", subject: "/CN=Rogue CA")
        let rogue = try pki.server("rogue-server", issuer: rogueCA)
        let tls = ["--tls-cert", server.certificatePath, "--tls-key", server.keyPath, "--client-ca", ca.certificatePath]
        let receiver = try Receiver(directory: dir, tls: tls)
        defer { receiver.stop() }
        let impostor = try Receiver(directory: dir, name: "impostor", tls: ["--tls-cert", rogue.certificatePath, "--tls-key", rogue.keyPath])
        defer { impostor.stop() }
        try WebhookHarness.write("s3cret-token\n", to: "\(dir)/token")
        let secure = """
            ca_file = "\(ca.certificatePath)"
            client_certificate = "\(client.certificatePath)"
            client_key = "\(client.keyPath)"
            bearer_token = "${file:\(dir)/token}"
            headers = ["X-Tenant: blue"]
            """
        try WebhookHarness.write(hook(url: "https://localhost:\(receiver.port)/events", secure), to: "\(dir)/conf/10-hook.conf")
        try WebhookHarness.write(hook(url: "https://localhost:\(impostor.port)/events", secure + "\nretry_limit = 2\nretry_base_ms = 10"),
                                 to: "\(dir)/conf/11-impostor.conf")
        try WebhookHarness.write(try scriptAdapter(dir, name: "d1", device: "d1", count: 20), to: "\(dir)/conf/20-d1.conf")
        let host = try Host(directory: dir)
        defer { host.child.kill() }
        XCTAssertTrue(WebhookHarness.wait(seconds: 30) { WebhookHarness.jsonObject("\(dir)/d1.json") != nil }, host.child.output)
        let requests = receiver.requests
        XCTAssertEqual(receiver.delivered.count, 20, "\(requests.prefix(2))\n\(host.child.output)")
        XCTAssertTrue(requests.allSatisfy { $0["authorization"] as? String == "Bearer s3cret-token" && $0["client"] as? String == "tributary" },
                      "\(requests.first ?? [:])")
        XCTAssertTrue(impostor.requests.isEmpty, "the handshake with the impostor failed before any request")
        let summary = try XCTUnwrap(WebhookHarness.jsonObject("\(dir)/d1.json"))
        XCTAssertEqual(summary["ok"] as? Int, 0, "an event is acknowledged only when every matching sink took it")
        XCTAssertEqual(summary["other_error"] as? Int, 20, "the impostor's events ran out of retries")
        let dead = WebhookHarness.jsonLines("\(dir)/state/impostor/dead-letter.jsonl")
        XCTAssertEqual(dead.count, 20)
        XCTAssertTrue((dead.first?["reason"] as? String)?.contains("certificate verification failed") ?? false, "\(dead.first ?? [:])")
        XCTAssertEqual(host.child.kill(), 0, host.child.output)
    }
}
