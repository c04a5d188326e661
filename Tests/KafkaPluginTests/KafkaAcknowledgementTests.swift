import Foundation
import Synchronization
import TestSupport
import XCTest

/// A device hears "accepted" only after Kafka acknowledged its event; when Kafka cannot take it,
/// the device hears back-pressure or failure, never a false acknowledgement.
final class KafkaAcknowledgementTests: XCTestCase {
    /// Brokers answering 1.5 s late: the HTTP 202 and the MQTT QoS 1 PUBACK wait for Kafka.
    func testDevicesAreAcknowledgedOnlyAfterKafka() throws {
        let host = try KafkaTestHost(label: "kafka-ack")
        XCTAssertEqual(try host.post(#"{"warm": 1}"#).status, 202, "metadata and the producer id are fetched")
        for broker in 1...3 { host.cluster.command("rtt \(broker) 1500") }
        let posted = try host.post(#"{"slow": 1}"#)
        XCTAssertEqual(posted.status, 202)
        XCTAssertGreaterThan(posted.seconds, 1.4, "the 202 waited for the broker")

        let script = """
            import sys, time
            import paho.mqtt.client as mqtt
            client = mqtt.Client(client_id="device-1", clean_session=True, protocol=mqtt.MQTTv311)
            client.username_pw_set("device-1@app", "secret")
            done = []
            client.on_publish = lambda c, u, mid: done.append(time.time())
            client.connect("127.0.0.1", int(sys.argv[1]), keepalive=60)
            client.loop_start()
            time.sleep(0.5)
            start = time.time()
            client.publish("telemetry", '{"mqtt": 1}', qos=1)
            while not done and time.time() - start < 20:
                time.sleep(0.01)
            client.loop_stop()
            print("puback", round(done[0] - start, 2) if done else "none")
            """
        let result = try Fixtures.run("/usr/bin/python3", ["-c", script, String(host.mqttPort)])
        let seconds = Double(result.output.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        XCTAssertGreaterThan(seconds, 1.4, "the PUBACK waited for the broker: \(result.output)")
        for broker in 1...3 { host.cluster.command("rtt \(broker) 0") }
        let records = try host.cluster.records("events-app", atLeast: 3)
        let payloads = Set(records.filter { headers($0)["ce_subject"] != "connection" }.compactMap { $0["payload"] as? String })
        XCTAssertEqual(payloads, [#"{"warm":1}"#, #"{"slow":1}"#, #"{"mqtt":1}"#])
    }

    /// Every broker down: posts fail after message.timeout.ms (503, not 202), /healthz says no
    /// broker is reachable; once they are back every acknowledged event is in Kafka.
    func testBrokersDownFailDevicesInsteadOfAcknowledgingAndRecoverWithNothingLost() throws {
        let host = try KafkaTestHost(label: "kafka-down", librdkafka: "message.timeout.ms = 2500\nstatistics.interval.ms = 500")
        XCTAssertEqual(try host.post(#"{"seq": 0}"#).status, 202)
        host.cluster.setBrokers(up: false)
        let failed = try host.post(#"{"seq": 1}"#)
        XCTAssertEqual(failed.status, 503, "Kafka did not take it: the device must retry")
        XCTAssertGreaterThan(failed.seconds, 2.0, "it waited message.timeout.ms")
        XCTAssertTrue(Fixtures.waitUntil(seconds: 15) { host.health()["status"] as? String == "degraded" }, "\(host.health())")
        XCTAssertTrue((host.health()["reason"] as? String ?? "").contains("no Kafka broker is reachable"), "\(host.health())")
        XCTAssertGreaterThanOrEqual(host.process.metric("tributary_plugin_kafka_records_failed_total{instance=\"kafka\"}") ?? 0, 1)
        let brokerUp = { (id: Int) in host.process.metric("tributary_plugin_kafka_broker_\(id)_up{instance=\"kafka\"}") }
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { (1...3).allSatisfy { brokerUp($0) == 0 } }, "a series per broker: \((1...3).map(brokerUp))")
        // One warning for the outage, not one per failed record.
        let warnings = host.process.output.split(separator: "\n").filter { $0.contains("[kafka] Kafka: ") && $0.contains("Local: Message timed out") }
        XCTAssertEqual(warnings.count, 1, host.process.output)

        host.cluster.setBrokers(up: true)
        // librdkafka reconnects after its backoff; until then a post may still fail, honestly.
        var acknowledged: [Int] = [0]
        var seq = 2
        XCTAssertTrue(try Fixtures.waitUntil(seconds: 30) {
            defer { seq += 1 }
            guard try host.post(#"{"seq": \#(seq)}"#).status == 202 else { return false }
            acknowledged.append(seq)
            return true
        }, "Kafka takes events again")
        for next in seq..<(seq + 10) {
            XCTAssertEqual(try host.post(#"{"seq": \#(next)}"#).status, 202)
            acknowledged.append(next)
        }
        XCTAssertTrue(Fixtures.waitUntil(seconds: 15) { host.health()["status"] as? String == "ok" }, "\(host.health())")
        XCTAssertTrue(Fixtures.waitUntil(seconds: 10) { (1...3).contains { brokerUp($0) == 1 } }, "\((1...3).map(brokerUp))")
        let payloads = Set(try host.cluster.records("events-app", atLeast: acknowledged.count).compactMap { $0["payload"] as? String })
        for seq in acknowledged { XCTAssertTrue(payloads.contains(#"{"seq":\#(seq)}"#), "acknowledged seq \(seq) is in Kafka") }
        XCTAssertTrue(host.process.output.contains("Kafka: records are acknowledged again"), "the recovery is logged")
    }

    /// Produce requests failing with a retriable error are retried by the producer: the devices
    /// are acknowledged, each event is in Kafka once, and the producer keeps its idempotence
    /// (the defaults: enable.idempotence, acks=all).
    func testRetriedProduceRequestsMakeNoDuplicates() throws {
        let host = try KafkaTestHost(label: "kafka-retry")
        XCTAssertEqual(try host.post(#"{"seq": -1}"#).status, 202)
        // NOT_ENOUGH_REPLICAS (19): the broker refused the batch, the producer resends it.
        host.cluster.command("produce-errors 4 19")
        for seq in 0..<20 { XCTAssertEqual(try host.post(#"{"seq": \#(seq)}"#).status, 202) }
        let records = try host.cluster.records("events-app", atLeast: 21)
        let payloads = records.compactMap { $0["payload"] as? String }
        XCTAssertEqual(payloads.count, 21, "no duplicates: \(payloads)")
        XCTAssertEqual(Set(payloads).count, 21)
        XCTAssertEqual(host.process.metric("tributary_plugin_kafka_records_failed_total{instance=\"kafka\"}"), 0)
    }

    /// A batch the broker wrote whose acknowledgement never came (every connection dropped
    /// while the answer was delayed): the producer sends it again on reconnecting and the device
    /// is acknowledged once that is answered, so the event is kept: at least once. A real broker
    /// drops the resent copy by the idempotent producer's sequence numbers; librdkafka 2.0.2's
    /// mock cluster appends it (two copies, with idempotence on or off), so only "at least once,
    /// at most one copy more" is asserted here.
    func testALostAcknowledgementIsResentAndTheEventKept() throws {
        let host = try KafkaTestHost(label: "kafka-lost-ack")
        XCTAssertEqual(try host.post(#"{"seq": 0}"#).status, 202)
        for broker in 1...3 { host.cluster.command("rtt \(broker) 2000") }
        let port = host.devicePort
        let answer = Mutex<Int?>(nil)
        let posting = Thread {
            let result = try? Fixtures.run("/usr/bin/curl", ["-s", "-m", "60", "-o", "/dev/null", "-w", "%{http_code}", "-u", "device-1@app:secret",
                                                             "-H", "Content-Type: application/json", "--data-binary", #"{"seq": 1}"#,
                                                             "http://127.0.0.1:\(port)/v1/telemetry"])
            answer.withLock { $0 = Int(result?.output.suffix(3) ?? "") }
        }
        posting.start()
        Thread.sleep(forTimeInterval: 1)
        host.cluster.setBrokers(up: false)
        Thread.sleep(forTimeInterval: 0.5)
        for broker in 1...3 { host.cluster.command("rtt \(broker) 0") }
        host.cluster.setBrokers(up: true)
        XCTAssertTrue(Fixtures.waitUntil(seconds: 40) { answer.withLock { $0 } != nil })
        XCTAssertEqual(answer.withLock { $0 }, 202)
        let payloads = try host.cluster.records("events-app", atLeast: 2).compactMap { $0["payload"] as? String }
        XCTAssertTrue((1...2).contains(payloads.filter { $0 == #"{"seq":1}"# }.count), "\(payloads)")
    }
}
