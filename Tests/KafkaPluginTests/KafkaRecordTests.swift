import Foundation
import TestSupport
import XCTest

/// What lands in Kafka: topic, key and the CloudEvents Kafka binding's headers, read back with
/// kcat and with a librdkafka consumer group (python3-confluent-kafka).
final class KafkaRecordTests: XCTestCase {
    nonisolated(unsafe) private static var shared: KafkaTestHost?
    private var host: KafkaTestHost { get throws { try XCTUnwrap(Self.shared, "the kafka test host did not start") } }

    override class func setUp() { shared = try? KafkaTestHost(label: "kafka-records") }
    override class func tearDown() { shared = nil }

    func testABinaryModeRecordCarriesTheEventAsHeadersKeyAndValue() throws {
        let host = try host
        XCTAssertEqual(try host.post(#"{"temperature": 21.5}"#, channel: "telemetry").status, 202)
        let record = try XCTUnwrap(try host.cluster.records("events-app", atLeast: 1).last)
        XCTAssertEqual(record["topic"] as? String, "events-app")
        XCTAssertEqual(record["key"] as? String, "app/device%2D1", "the partition key")
        XCTAssertEqual(record["payload"] as? String, #"{"temperature":21.5}"#, "the data, compacted JSON as the host normalized it")
        let h = headers(record)
        XCTAssertEqual(h["ce_specversion"], "1.0")
        XCTAssertEqual(h["ce_type"], "io.drogue.event.v1")
        XCTAssertEqual(h["ce_source"], "drogue://app/device%2D1")
        XCTAssertEqual(h["ce_subject"], "telemetry")
        XCTAssertEqual(h["ce_application"], "app")
        XCTAssertEqual(h["ce_device"], "device-1")
        XCTAssertEqual(h["ce_sender"], "device-1")
        XCTAssertEqual(h["ce_partitionkey"], "app/device%2D1")
        XCTAssertEqual(h["content-type"], "application/json")
        XCTAssertEqual(h["ce_id"]?.count, 36)
        XCTAssertNotNil(h["ce_time"])
    }

    /// Drogue's topic name for an application whose name is not a DNS label.
    func testAnApplicationNameThatIsNoDNSLabelGetsTheHashedTopic() throws {
        let host = try host
        XCTAssertEqual(try host.post("raw bytes", channel: "c", user: "d@FOO:secret", contentType: "application/octet-stream").status, 202)
        let record = try XCTUnwrap(try host.cluster.records("evt-901890a8e9c8cf6d5a1a542b229febff-foo", atLeast: 1).first)
        XCTAssertEqual(record["payload"] as? String, "raw bytes")
        XCTAssertEqual(headers(record)["content-type"], "application/octet-stream")
        XCTAssertEqual(headers(record)["ce_application"], "FOO")
    }

    /// A consumer group of librdkafka's own (what a Drogue application runs) reads the same records.
    func testALibrdkafkaConsumerGroupReadsTheRecords() throws {
        let host = try host
        for index in 0..<5 { XCTAssertEqual(try host.post(#"{"n": \#(index)}"#, channel: "group").status, 202) }
        let script = """
            import json, sys, time
            from confluent_kafka import Consumer
            consumer = Consumer({"bootstrap.servers": sys.argv[1], "group.id": "tributary-test", "auto.offset.reset": "earliest"})
            consumer.subscribe(["events-app"])
            seen, deadline = [], time.time() + 30
            while time.time() < deadline and len([s for s in seen if s[0] == "group"]) < 5:
                message = consumer.poll(0.5)
                if message is None or message.error():
                    continue
                headers = dict((name, value.decode()) for name, value in (message.headers() or []))
                seen.append((headers.get("ce_subject"), message.key().decode(), json.loads(message.value())))
            consumer.close()
            for subject, key, value in seen:
                print(subject, key, json.dumps(value))
            """
        let result = try Fixtures.run("/usr/bin/python3", ["-c", script, host.cluster.bootstrap])
        let lines = result.output.split(separator: "\n").filter { $0.hasPrefix("group ") }
        XCTAssertEqual(lines.count, 5, result.output)
        XCTAssertEqual(lines.first, #"group app/device%2D1 {"n": 0}"#, "in order: one device, one key, one partition")
    }

    /// Structured mode into one fixed topic: the value is the whole event as CloudEvents JSON.
    func testStructuredModeIntoAFixedTopic() throws {
        let host = try KafkaTestHost(label: "kafka-structured", settings: "topic = \"all-events\"\ncontent_mode = \"structured\"")
        XCTAssertEqual(try host.post(#"{"a": 1}"#, channel: "s").status, 202)
        XCTAssertEqual(try host.post("x", channel: "s", user: "d@FOO:secret", contentType: "text/plain").status, 202)
        let records = try host.cluster.records("all-events", atLeast: 2)
        XCTAssertEqual(records.count, 2)
        for record in records {
            XCTAssertEqual(headers(record)["content-type"], "application/cloudevents+json; charset=UTF-8")
            let event = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data((record["payload"] as? String ?? "").utf8)) as? [String: Any])
            XCTAssertEqual(event["specversion"] as? String, "1.0")
            XCTAssertEqual(event["subject"] as? String, "s")
            XCTAssertEqual(record["key"] as? String, event["partitionkey"] as? String)
        }
        XCTAssertTrue(Fixtures.waitUntil(seconds: 5) {
            host.process.metric("tributary_plugin_kafka_records_delivered_total{instance=\"kafka\"}") == 2
        })
    }
}
