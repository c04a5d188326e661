import Foundation
import TestSupport
import XCTest

/// A real `tributary` whose sink is the kafka plugin on a mock cluster, with the http plugin
/// (device API) and the mqtt plugin (device endpoint) in front, the registry of `AdapterTestHost`
/// plus application `FOO` (whose name is not a DNS label) with device `d` (password `secret`).
final class KafkaTestHost {
    let cluster: KafkaMockCluster
    let base: AdapterTestHost
    let devicePort: Int
    let mqttPort: Int

    var process: HostProcess { base.process }
    var kafkaDropIn: String { base.directory + "/conf/40-kafka.conf" }

    /// - Parameter librdkafka: extra lines of the `[librdkafka]` table; `settings` other drop-in keys.
    init(label: String, settings: String = "", librdkafka: String = "") throws {
        let cluster = try KafkaMockCluster()
        self.cluster = cluster
        base = try AdapterTestHost(
            label: label,
            more: [
                "40-kafka.conf": Self.dropIn(settings: settings, librdkafka: librdkafka, bootstrap: cluster.bootstrap),
                "25-mqtt.conf": "plugin = \"mqtt\"\ndevice_address = \"127.0.0.1:0\"\nintegration_address = \"127.0.0.1:0\"\n",
            ],
            applications: ["{\"metadata\": {\"name\": \"FOO\"}}"],
            devices: ["{\"metadata\": {\"name\": \"d\", \"application\": \"FOO\"}, \"spec\": {\"authentication\": {\"credentials\": [{\"pass\": \"secret\"}]}}}"]
        ) { _ in
            "plugin = \"http\"\ndevice_address = \"127.0.0.1:0\"\napplication_address = \"127.0.0.1:0\"\n"
        }
        devicePort = try base.port("device API")
        mqttPort = try base.process.port("mqtt", "devices")
    }

    static func dropIn(settings: String, librdkafka: String, bootstrap: String) -> String {
        """
        plugin = "kafka"
        \(settings)
        [librdkafka]
        bootstrap.servers = "\(bootstrap)"
        \(librdkafka)
        """
    }

    /// POSTs `body` as `user` to `/v1/{channel}`; the status, and how long the answer took.
    func post(_ body: String, channel: String = "telemetry", user: String = "device-1@app:secret",
              contentType: String = "application/json") throws -> (status: Int, seconds: Double) {
        let start = Date()
        let result = try Fixtures.run("/usr/bin/curl", ["-s", "-m", "30", "-o", "/dev/null", "-w", "%{http_code}", "-u", user,
                                                        "-H", "Content-Type: \(contentType)", "--data-binary", body,
                                                        "http://127.0.0.1:\(devicePort)/v1/\(channel)"])
        return (Int(result.output.suffix(3)) ?? 0, Date().timeIntervalSince(start))
    }

    func health() -> [String: Any] {
        guard let body = process.admin("/healthz")?.body,
              let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return [:] }
        return object
    }
}
