import Foundation
import TestSupport
import XCTest

/// A reload of the kafka drop-in while devices publish: the new producer starts beside the old,
/// the old one flushes what it holds, and nothing a device was told is accepted goes missing.
final class KafkaReloadTests: XCTestCase {
    func testAReloadUnderLoadLosesNothing() throws {
        let host = try KafkaTestHost(label: "kafka-reload")
        let count = 600
        let log = host.base.directory + "/statuses"
        let script = """
            import http.client, base64, sys
            count, port, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
            auth = "Basic " + base64.b64encode(b"device-1@app:secret").decode()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with open(out, "w") as f:
                for seq in range(count):
                    try:
                        connection.request("POST", "/v1/load", body='{"seq":%d}' % seq,
                                           headers={"Authorization": auth, "Content-Type": "application/json"})
                        response = connection.getresponse()
                        response.read()
                        status = response.status
                    except Exception:
                        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                        status = 0
                    f.write("%d %d\\n" % (seq, status))
                    f.flush()
            """
        let load = try BackgroundProcess("/usr/bin/python3", ["-c", script, String(count), String(host.devicePort), log])
        XCTAssertTrue(Fixtures.waitUntil(seconds: 20) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count >= 100 })
        try KafkaTestHost.dropIn(settings: "", librdkafka: "linger.ms = 20", bootstrap: host.cluster.bootstrap)
            .write(toFile: host.kafkaDropIn, atomically: true, encoding: .utf8)
        let reload = try Fixtures.run("/usr/bin/curl", ["-s", "-X", "POST", "http://127.0.0.1:\(host.process.adminPort)/reload"])
        XCTAssertTrue(reload.output.contains("\"applied\":true"), reload.output)
        _ = load.wait(seconds: 60)

        let statuses = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map { $0.split(separator: " ") }
        XCTAssertEqual(statuses.count, count)
        let acknowledged = Set(statuses.filter { $0.last == "202" }.compactMap { Int($0.first ?? "") })
        let records = try host.cluster.records("events-app", atLeast: acknowledged.count)
            .filter { headers($0)["ce_subject"] == "load" }
        let seqs = records.compactMap { record -> Int? in
            guard let payload = record["payload"] as? String, let data = payload.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Int] else { return nil }
            return object["seq"]
        }
        let inKafka = Set(seqs)
        print("kafka reload under load: sent \(count), acknowledged \(acknowledged.count), in Kafka \(inKafka.count), duplicates \(seqs.count - inKafka.count)")
        XCTAssertTrue(acknowledged.isSubset(of: inKafka), "acknowledged but missing: \(acknowledged.subtracting(inKafka).sorted())")
        XCTAssertGreaterThan(acknowledged.count, count * 9 / 10, "a reload is not an outage")
        XCTAssertTrue(reload.output.contains("\"replaced\":[\"kafka\"]"), "the reload replaced the sink: \(reload.output)")
    }
}
