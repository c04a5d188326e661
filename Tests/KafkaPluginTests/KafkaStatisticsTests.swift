import XCTest
@testable import KafkaCore

/// librdkafka's statistics JSON (STATISTICS.md) as the sink reads it for its gauges and health.
final class KafkaStatisticsTests: XCTestCase {
    func testQueueDepthAndTheClustersBrokersUp() throws {
        let json = """
            {"name":"rdkafka#producer-1","type":"producer","msg_cnt":42,"msg_size":4200,
             "brokers":{"127.0.0.1:9092/bootstrap":{"name":"127.0.0.1:9092/bootstrap","nodeid":-1,"state":"UP"},
                        "127.0.0.1:9093/1":{"name":"127.0.0.1:9093/1","nodeid":1,"state":"UP"},
                        "127.0.0.1:9094/2":{"name":"127.0.0.1:9094/2","nodeid":2,"state":"DOWN"},
                        "127.0.0.1:9095/3":{"name":"127.0.0.1:9095/3","nodeid":3,"state":"CONNECT"}}}
            """
        let statistics = try XCTUnwrap(KafkaStatistics(Array(json.utf8)))
        XCTAssertEqual(statistics.queuedRecords, 42)
        XCTAssertEqual(statistics.brokers, 3, "the bootstrap address is not a broker")
        XCTAssertEqual(statistics.brokersUp, 1)
        XCTAssertEqual(statistics.brokerStates.map(\.id), [1, 2, 3])
        XCTAssertEqual(statistics.brokerStates.map(\.up), [true, false, false])
    }

    func testSomethingElseIsNoStatistics() {
        XCTAssertNil(KafkaStatistics(Array("[]".utf8)))
        XCTAssertNil(KafkaStatistics(Array("{\"brokers\":{}}".utf8)))
    }
}
