import Foundation
import TestSupport
import TributarySDK
import XCTest
@testable import KafkaCore

/// Topic naming (Drogue's, fixed, templates) and what a drop-in may say, checked without a broker.
final class KafkaConfigurationTests: XCTestCase {
    func testDroguesTopicNames() {
        XCTAssertEqual(KafkaTopicName.drogueTopic("my-app"), "events-my-app")
        // Drogue's unit-test examples (service-api/src/kafka/mod.rs).
        XCTAssertEqual(KafkaTopicName.drogueTopic("FOO"), "evt-901890a8e9c8cf6d5a1a542b229febff-foo")
        XCTAssertTrue(KafkaTopicName.drogueTopic("foo-").hasPrefix("evt-03f19ca8"))
        XCTAssertFalse(KafkaTopicName.drogueTopic("foo-").hasSuffix("-"), "trailing '-' trimmed")
        let long = KafkaTopicName.drogueTopic(String(repeating: "a", count: 60))
        XCTAssertTrue(long.hasPrefix("evt-") && long.utf8.count == 63, long)
        XCTAssertTrue(KafkaTopicName.drogueTopic("a.b_c").hasSuffix("-a-b-c"))
    }

    func testFixedAndTemplatedTopics() throws {
        XCTAssertEqual(try KafkaTopicName("all-events", file: "f").topic(application: "a", channel: "c", device: "d"), "all-events")
        let template = try KafkaTopicName("tenant.{application}.{channel}", file: "f")
        XCTAssertEqual(template.topic(application: "a", channel: "temp", device: "d"), "tenant.a.temp")
        XCTAssertNil(template.topic(application: "a b", channel: "c", device: "d"), "not a topic name: that event is refused")
        XCTAssertThrowsError(try KafkaTopicName("x.{tenant}", file: "f"))
        XCTAssertThrowsError(try KafkaTopicName("bad topic", file: "f"))
    }

    /// `tributary check` names the file and line of a property librdkafka does not know, and
    /// of a secret it cannot read, and says what the shipped drop-in still needs.
    func testCheckNamesTheLineOfAnUnknownProperty() throws {
        let dir = Fixtures.temporaryDirectory("kafka-check")
        try writeDropIns(dir, [
            "40-unknown.conf": "plugin = \"kafka\"\n[librdkafka]\nbootstrap.servers = \"127.0.0.1:9\"\nno.such.property = \"1\"\n",
            "41-secret.conf": "plugin = \"kafka\"\n[librdkafka]\nbootstrap.servers = \"127.0.0.1:9\"\n\"sasl.password.env\" = \"TRIBUTARY_NO_SUCH_VARIABLE\"\n",
            "42-off.conf": "plugin = \"kafka\"\nenabled = false\n",
            "43-value.conf": "plugin = \"kafka\"\n[librdkafka]\nbootstrap.servers = \"127.0.0.1:9\"\nacks = \"most\"\n",
        ])
        let result = try Fixtures.run(Fixtures.executable, ["check", "--config-dir", dir + "/conf", "--state-dir", dir + "/state",
                                                            "--plugin-path", Fixtures.products])
        XCTAssertEqual(result.status, 1, result.output)
        for expected in [
            "40-unknown.conf:4: librdkafka 'no.such.property': No such configuration property: \"no.such.property\"",
            "41-secret.conf:4: librdkafka 'sasl.password': the environment variable TRIBUTARY_NO_SUCH_VARIABLE is not set",
            "42-off.conf: disabled; to enable it:",
            "bootstrap.servers is required",
            "43-value.conf:4: librdkafka 'acks'",
        ] {
            XCTAssertTrue(result.output.contains(expected), "missing '\(expected)' in:\n\(result.output)")
        }
    }
}
