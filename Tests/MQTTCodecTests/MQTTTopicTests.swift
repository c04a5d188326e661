import XCTest

@testable import MQTTCodec

/// The examples of MQTT 5.0 section 4.7 (and 3.1.1 section 4.7), plus edge cases.
final class MQTTTopicTests: XCTestCase {
    func testValidFilters() {
        for filter in [
            "sport/tennis/player1/#", "sport/#", "#", "sport/tennis/#", "+", "+/tennis/#", "sport/+/player1", "+/+",
            "/+",
            "/", "//", "a//b", "$SYS/#", "$share/consumer1/sport/tennis/+", "$share/g/#", "$share/g//x", "$shared/x/#",
        ] {
            XCTAssertTrue(MQTTTopic.isValidFilter(filter), filter)
        }
    }

    func testInvalidFilters() {
        for filter in [
            "", "sport/tennis#", "sport/tennis/#/ranking", "sport+", "a/++", "#/", "##", "$share/", "$share/g",
            "$share//x",
            "$share/+/x", "$share/a#/x", "$share/g/", "$share/g/a/#/b", "a\u{0}b",
            String(repeating: "a", count: 65_536),
        ] {
            XCTAssertFalse(MQTTTopic.isValidFilter(filter), filter)
        }
    }

    func testTopicNames() {
        for name in [
            "sport/tennis/player1", "/", "$SYS/broker/load", " ", "温度/🌡", String(repeating: "a", count: 65_535),
        ] {
            XCTAssertTrue(MQTTTopic.isValidName(name), name)
        }
        for name in ["", "sport/+", "#", "a/b#", "a\u{0}", String(repeating: "a", count: 65_536)] {
            XCTAssertFalse(MQTTTopic.isValidName(name), name)
        }
    }

    func testMatchingExamplesOfTheSpecification() {
        let matching: [(String, String)] = [
            ("sport/tennis/player1/#", "sport/tennis/player1"),
            ("sport/tennis/player1/#", "sport/tennis/player1/ranking"),
            ("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon"),
            ("sport/#", "sport"),
            ("#", "sport/tennis"),
            ("sport/tennis/+", "sport/tennis/player1"),
            ("sport/tennis/+", "sport/tennis/player2"),
            ("sport/+", "sport/"),
            ("+/+", "/finance"),
            ("/+", "/finance"),
            ("+/tennis/#", "sport/tennis/player1"),
            ("$SYS/#", "$SYS/monitor/Clients"),
            ("$SYS/monitor/+", "$SYS/monitor/Clients"),
            ("a//c", "a//c"),
            ("+//+", "x//y"),
            ("a/+/c", "a//c"),
            ("#", "/"),
        ]
        for (filter, topic) in matching {
            XCTAssertTrue(MQTTTopic.matches(filter: filter, topic: topic), "\(filter) should match \(topic)")
        }
        let notMatching: [(String, String)] = [
            ("sport/tennis/+", "sport/tennis/player1/ranking"),
            ("sport/+", "sport"),
            ("+", "/finance"),
            ("#", "$SYS/monitor/Clients"),
            ("+/monitor/Clients", "$SYS/monitor/Clients"),
            ("sport/tennis", "sport/tennis/player1"),
            ("sport/tennis/player1", "sport/tennis"),
            ("sport/tennis", "sport/tennisX"),
            ("Sport", "sport"),
            ("a/b", "a/b/"),
            ("a/+", "a"),
            ("a/#", "ab"),
        ]
        for (filter, topic) in notMatching {
            XCTAssertFalse(MQTTTopic.matches(filter: filter, topic: topic), "\(filter) should not match \(topic)")
        }
    }

    func testSharedSubscriptions() {
        XCTAssertEqual(MQTTTopic.sharedSubscription("$share/consumer1/sport/tennis/+")?.shareName, "consumer1")
        XCTAssertEqual(MQTTTopic.sharedSubscription("$share/consumer1/sport/tennis/+")?.filter, "sport/tennis/+")
        XCTAssertEqual(MQTTTopic.sharedSubscription("$share/g//finance")?.filter, "/finance")
        XCTAssertEqual(MQTTTopic.sharedSubscription("$share/grüppe/#")?.shareName, "grüppe")
        XCTAssertNil(MQTTTopic.sharedSubscription("sport/#"))
        XCTAssertNil(MQTTTopic.sharedSubscription("$share/g"))
        XCTAssertNil(MQTTTopic.sharedSubscription("$share/+/x"))
        XCTAssertNil(MQTTTopic.sharedSubscription("$SHARE/g/x"), "the prefix is case-sensitive")
    }
}
