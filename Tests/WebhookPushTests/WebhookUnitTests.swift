import Foundation
import Glibc
import TributaryNet
import TributarySDK
import XCTest
@testable import WebhookPushCore

private func event(_ seq: Int, key: String = "app/d1", contentType: String? = "application/json", data: String? = nil) -> CloudEvent {
    CloudEvent(id: "id-\(seq)", type: "io.drogue.event.v1", source: "drogue://app/d%2D1", subject: "telemetry",
               time: "2025-01-02T03:04:05.678Z", dataContentType: contentType,
               extensions: [CloudEventAttribute(name: "application", value: "app"), CloudEventAttribute(name: "partitionkey", value: key),
                            CloudEventAttribute(name: "seq", value: "\(seq)")],
               data: Array((data ?? "{\"seq\":\(seq)}").utf8))
}

final class CloudEventHTTPBindingTests: XCTestCase {
    private let url = try! HTTPURL("http://consumer.example:8080/hooks/in?x=1")

    /// What the runtime's server-side decoder reads from the encoded bytes: one whole request.
    private func decoded(_ binding: CloudEventHTTPBinding, _ events: [CloudEvent]) throws -> HTTPRequest {
        // Each event as the sender holds it: its record, viewed as a host event, encoded.
        let outgoing = events.map { event in
            SpoolRecord.withEvent(SpoolRecord.encode(event)[...]) {
                OutgoingEvent($0, binding: binding, acceptedNanoseconds: 0, delivery: nil)
            }!
        }
        let bytes = binding.mode == .batch ? binding.encodeBatch(jsons: outgoing.map { $0.json! }) : outgoing[0].request!
        XCTAssertEqual(outgoing.map { $0.cloudEvent }, events, "the record keeps the event for the dead-letter file")
        var decoder = HTTPRequestDecoder()
        bytes.withUnsafeBytes { decoder.append($0) }
        let request = try XCTUnwrap(try decoder.next())
        XCTAssertTrue(decoder.isIdle, "exactly one request")
        return request
    }

    func testBinaryModePutsAttributesInPercentEncodedHeadersAndDataInTheBody() throws {
        var headers = HTTPHeaders()
        try! headers.add(name: "Authorization", value: "Bearer t")
        let binding = CloudEventHTTPBinding(mode: .binary, url: url, headers: headers)
        var sample = event(1)
        sample.extensions.append(CloudEventAttribute(name: "note", value: "50% \"off\" ü"))
        sample.extensions.append(CloudEventAttribute(name: "id", value: "clash"))
        let decoded = try decoded(binding, [sample])
        let request = decoded.head
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.target, "/hooks/in?x=1")
        XCTAssertEqual(request.headers["Host"], "consumer.example:8080")
        XCTAssertEqual(request.headers["Authorization"], "Bearer t")
        XCTAssertEqual(request.headers["ce-specversion"], "1.0")
        XCTAssertEqual(request.headers["ce-id"], "id-1", "an extension named like a core attribute is left out")
        XCTAssertEqual(request.headers.values("ce-id").count, 1)
        XCTAssertEqual(request.headers["ce-source"], "drogue://app/d%252D1", "% is percent-encoded")
        XCTAssertEqual(request.headers["ce-time"], "2025-01-02T03:04:05.678Z")
        XCTAssertEqual(request.headers["ce-subject"], "telemetry")
        XCTAssertEqual(request.headers["ce-partitionkey"], "app/d1")
        XCTAssertEqual(request.headers["ce-note"], "50%25%20%22off%22%20%C3%BC")
        XCTAssertEqual(request.headers["Content-Type"], "application/json")
        XCTAssertEqual(decoded.body, Array("{\"seq\":1}".utf8))
    }

    func testStructuredAndBatchModes() throws {
        let structured = try decoded(CloudEventHTTPBinding(mode: .structured, url: url, headers: [:]), [event(1)])
        XCTAssertEqual(structured.head.headers["Content-Type"], "application/cloudevents+json; charset=UTF-8")
        XCTAssertNil(structured.head.headers["ce-id"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(structured.body)) as? [String: Any])
        XCTAssertEqual(object["id"] as? String, "id-1")
        XCTAssertEqual((object["data"] as? [String: Any])?["seq"] as? Int, 1)

        let batch = try decoded(CloudEventHTTPBinding(mode: .batch, url: url, headers: [:]), [event(1), event(2, data: "x"), event(3)])
        XCTAssertEqual(batch.head.headers["Content-Type"], "application/cloudevents-batch+json; charset=UTF-8")
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(batch.body)) as? [[String: Any]])
        XCTAssertEqual(array.map { $0["seq"] as? String }, ["1", "2", "3"])
        XCTAssertEqual(array[1]["data_base64"] as? String, "eA==", "JSON-labelled data that is not JSON travels as base64")
    }
}

final class DeliveryQueueTests: XCTestCase {
    func testOneRequestPerKeyAtATimeInOrder() {
        var queue = DeliveryQueue<Int>()
        for seq in 0..<3 { queue.append(seq, key: "a") }
        queue.append(10, key: "b")
        XCTAssertEqual(queue.readyEventCount, 4)
        XCTAssertEqual(queue.next(limit: 1), [0])
        XCTAssertEqual(queue.readyEventCount, 1, "a is busy: its later events wait")
        XCTAssertEqual(queue.next(limit: 1), [10])
        XCTAssertNil(queue.next(limit: 1), "a and b are both busy")
        queue.finished(key: "a")
        XCTAssertEqual(queue.next(limit: 1), [1])
        XCTAssertEqual(queue.count, 3)
    }

    func testBatchesTakeSeveralKeysAndNeverSplitAKeyAcrossRequests() {
        var queue = DeliveryQueue<Int>()
        for seq in 0..<5 { queue.append(seq, key: "a") }
        for seq in 10..<12 { queue.append(seq, key: "b") }
        XCTAssertEqual(queue.next(limit: 4), [0, 1, 2, 3])
        XCTAssertEqual(queue.next(limit: 4), [10, 11], "a's rest waits for its request")
        queue.finished(keys: ["a", "a", "a", "a"])
        XCTAssertEqual(queue.next(limit: 4), [4])
        XCTAssertEqual(queue.count, 3)
    }

    func testDrainTakesIdleKeysInOrderAndLeavesBusyOnes() {
        var queue = DeliveryQueue<Int>()
        for seq in 0..<3 { queue.append(seq, key: "a") }
        for seq in 10..<13 { queue.append(seq, key: "b") }
        _ = queue.next(limit: 1)  // a busy
        XCTAssertEqual(queue.removeReady(), [10, 11, 12])
        queue.finished(key: "a")
        XCTAssertEqual(queue.removeReady(), [1, 2])
        XCTAssertEqual(queue.count, 0)
    }
}

final class AttemptOutcomeTests: XCTestCase {
    func testClassification() {
        func outcome(_ status: Int, _ headers: HTTPHeaders = [:]) -> AttemptOutcome {
            AttemptOutcome.classify(.success(HTTPClientResponse(status: status, reason: "R", headers: headers)), nowUnixSeconds: 1_000)
        }
        XCTAssertEqual(outcome(200), .delivered)
        XCTAssertEqual(outcome(204), .delivered)
        XCTAssertEqual(outcome(500), .retry(reason: "HTTP 500", afterMilliseconds: nil))
        XCTAssertEqual(outcome(408), .retry(reason: "HTTP 408", afterMilliseconds: nil))
        XCTAssertEqual(outcome(429, ["Retry-After": "2"]), .retry(reason: "HTTP 429", afterMilliseconds: 2_000))
        XCTAssertEqual(outcome(503, ["Retry-After": "Thu, 01 Jan 1970 00:16:50 GMT"]), .retry(reason: "HTTP 503", afterMilliseconds: 10_000))
        XCTAssertEqual(outcome(500, ["Retry-After": "5"]), .retry(reason: "HTTP 500", afterMilliseconds: nil), "only 429 and 503")
        XCTAssertEqual(outcome(400), .rejected(status: 400, reason: "HTTP 400 R"))
        XCTAssertEqual(outcome(404), .rejected(status: 404, reason: "HTTP 404 R"), "404 is never success")
        XCTAssertEqual(outcome(302), .rejected(status: 302, reason: "HTTP 302 R"))
        XCTAssertEqual(AttemptOutcome.classify(.failure(.timedOut)), .retry(reason: "timed out", afterMilliseconds: nil))
        XCTAssertEqual(AttemptOutcome.classify(.failure(.connectFailed("refused"))), .retry(reason: "cannot connect: refused", afterMilliseconds: nil))
        XCTAssertEqual(AttemptOutcome.classify(.failure(.shutdown)), .abandoned)
    }

    func testRetryAfterForms() {
        XCTAssertEqual(AttemptOutcome.retryAfterMilliseconds("120", nowUnixSeconds: 0), 120_000)
        XCTAssertEqual(AttemptOutcome.retryAfterMilliseconds("Sun, 06 Nov 1994 08:49:37 GMT", nowUnixSeconds: 784_111_770), 7_000)
        XCTAssertEqual(AttemptOutcome.retryAfterMilliseconds("Sun, 06 Nov 1994 08:49:37 GMT", nowUnixSeconds: 784_111_800), 0, "a past date")
        XCTAssertNil(AttemptOutcome.retryAfterMilliseconds("soon", nowUnixSeconds: 0))
        XCTAssertNil(AttemptOutcome.retryAfterMilliseconds("-1", nowUnixSeconds: 0))
        XCTAssertEqual(AttemptOutcome.retryAfterMilliseconds("86400", nowUnixSeconds: 0), 3_600_000, "at most an hour")
    }
}

final class SpoolTests: XCTestCase {
    private func directory() -> String {
        NSTemporaryDirectory() + "webhook-spool-\(UUID().uuidString.prefix(8))"
    }

    private func writeEvents(_ spool: SpoolDirectory, _ seqs: Range<Int>, maxBytes: Int64 = 1 << 30) throws -> SpoolWriter {
        let writer = try SpoolWriter(directory: spool, maxBytes: maxBytes, onCommit: { _ in }, onError: { XCTFail($0) })
        let done = DispatchGroup()
        for seq in seqs {
            done.enter()
            XCTAssertEqual(writer.append(SpoolRecord.encode(event(seq))) { durable in
                XCTAssertTrue(durable)
                done.leave()
            }, .accepted)
        }
        done.wait()
        return writer
    }

    private func readAll(_ spool: SpoolDirectory, generation: UInt64, from cursor: SpoolPosition?, committed: SpoolPosition,
                         damage: ((String) -> Void)? = nil) -> [Int] {
        let reader = SpoolReader(directory: spool, generation: generation, from: cursor, onDamage: damage ?? { XCTFail($0) })
        return reader.read(limit: 10_000, committed: committed).compactMap { SpoolRecord.decode($0.payload)?.extension("seq").flatMap { Int($0) } }
    }

    func testRecordsRoundTripExactly() {
        var sample = event(5, contentType: nil, data: "\u{0}\u{1}binary")
        sample.subject = nil
        XCTAssertEqual(SpoolRecord.decode(SpoolRecord.encode(sample)[...]), sample)
        XCTAssertEqual(SpoolRecord.decode(SpoolRecord.encode(event(6))[...]), event(6))
        XCTAssertNil(SpoolRecord.decode(SpoolRecord.encode(event(6)).dropLast()))
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926, "the standard check value")
    }

    func testASuccessorReadsOlderGenerationsInOrderThenItsOwnCommittedRecords() throws {
        let path = directory()
        let spool = try SpoolDirectory(path: path)
        let old = try writeEvents(spool, 0..<50)
        old.close()
        let new = try writeEvents(try SpoolDirectory(path: path), 50..<60)
        XCTAssertGreaterThan(new.generation, old.generation)
        XCTAssertEqual(readAll(spool, generation: new.generation, from: nil, committed: new.committed), Array(0..<60))
        XCTAssertEqual(readAll(spool, generation: old.generation, from: nil, committed: old.committed), Array(0..<50),
                       "an older instance never reads a newer generation")
    }

    func testATornLastRecordIsSkippedAndReadingGoesOn() throws {
        let path = directory()
        let spool = try SpoolDirectory(path: path)
        let old = try writeEvents(spool, 0..<10)
        let segment = spool.segmentPath(old.committed.segment)
        old.close()
        // A crash in the middle of a write: half a frame at the end of the segment.
        var frame: [UInt8] = []
        SpoolRecord.appendFrame(SpoolRecord.encode(event(10)), to: &frame)
        let fd = open(segment, O_WRONLY | O_APPEND)
        _ = frame.prefix(frame.count / 2).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let next = try writeEvents(try SpoolDirectory(path: path), 11..<13)
        var damage: [String] = []
        XCTAssertEqual(readAll(spool, generation: next.generation, from: nil, committed: next.committed) { damage.append($0) },
                       Array(0..<10) + [11, 12])
        XCTAssertEqual(damage.count, 1)
        XCTAssertTrue(damage[0].contains("torn record"), damage[0])

        // A flipped byte inside a whole record is caught by the CRC.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
        var corrupted = [UInt8](bytes)
        corrupted[40] ^= 0xFF
        try Data(corrupted).write(to: URL(fileURLWithPath: segment))
        damage = []
        XCTAssertEqual(readAll(spool, generation: next.generation, from: nil, committed: next.committed) { damage.append($0) }, [11, 12])
        XCTAssertTrue(damage.first?.contains("corrupt") ?? false, "\(damage)")
    }

    func testTheCursorMovesOnlyPastCompletedRecordsAndReadingResumesThere() throws {
        let path = directory()
        let spool = try SpoolDirectory(path: path)
        let writer = try writeEvents(spool, 0..<5)
        let reader = SpoolReader(directory: spool, generation: writer.generation, from: nil, onDamage: { XCTFail($0) })
        let records = reader.read(limit: 10, committed: writer.committed)
        var tracker = CursorTracker(cursor: nil)
        let tickets = records.map { tracker.issue(end: $0.end) }
        XCTAssertFalse(tracker.complete(tickets[1]), "record 0 is still out")
        XCTAssertTrue(tracker.complete(tickets[0]))
        XCTAssertEqual(tracker.cursor, records[1].end)
        XCTAssertTrue(spool.writeCursor(tracker.cursor!))
        XCTAssertEqual(spool.readCursor(), records[1].end)
        XCTAssertEqual(readAll(spool, generation: writer.generation, from: spool.readCursor(), committed: writer.committed), [2, 3, 4])
    }

    func testAFullSpoolRefusesAndTheLeaseIsExclusive() throws {
        let path = directory()
        let spool = try SpoolDirectory(path: path)
        let writer = try SpoolWriter(directory: spool, maxBytes: 1 << 20, onCommit: { _ in }, onError: { _ in })
        let big = [UInt8](repeating: 0x78, count: 300 << 10)
        var results: [SpoolWriter.AppendResult] = []
        for _ in 0..<4 { results.append(writer.append(big) { _ in }) }
        XCTAssertEqual(results, [.accepted, .accepted, .accepted, .full])
        writer.close()
        XCTAssertEqual(writer.append(big) { _ in }, .closed)

        let other = try SpoolDirectory(path: path)
        XCTAssertTrue(spool.tryLease())
        XCTAssertFalse(other.tryLease(), "one sender at a time")
        spool.releaseLease()
        XCTAssertTrue(other.tryLease())
        other.releaseLease()
    }
}

final class WebhookConfigurationTests: XCTestCase {
    private func configuration(_ values: [(String, PluginConfig.Value)]) -> Result<WebhookConfiguration, PluginError> {
        Result { () throws(PluginError) in
            try WebhookConfiguration(PluginConfig(instanceName: "hook", file: "/etc/t/60-hook.conf", stateDirectory: "/var/t/hook", values: values))
        }
    }

    private func error(_ values: [(String, PluginConfig.Value)]) -> String {
        if case .failure(let error) = configuration(values) { return error.message }
        return "accepted"
    }

    func testDefaultsAndAuthorization() throws {
        let config = try configuration([("url", .string("https://h.example/in")), ("basic_username", .string("u")),
                                        ("basic_password", .string("p")), ("headers", .array([.string("X-Tenant:  blue ")])),
                                        ("spool_dir", .string("spool"))]).get()
        XCTAssertEqual(config.mode, .binary)
        XCTAssertEqual(config.maxPending, 10_000)
        XCTAssertEqual(config.retry, RetryPolicy(baseMilliseconds: 100, capMilliseconds: 30_000, limit: 0))
        XCTAssertEqual(config.deadLetterFile, "/var/t/hook/dead-letter.jsonl")
        XCTAssertEqual(config.spoolDirectory, "/etc/t/spool", "relative to the drop-in's directory")
        XCTAssertEqual(config.headers["Authorization"], "Basic dTpw")
        XCTAssertEqual(config.headers["X-Tenant"], "blue")
        XCTAssertEqual(try configuration([("url", .string("http://h/")), ("bearer_token", .string("tok"))]).get().headers["Authorization"], "Bearer tok")
    }

    func testRefusals() {
        XCTAssertTrue(error([]).contains("'url' is required"))
        XCTAssertTrue(error([("url", .string("ftp://h/"))]).contains("http or https"))
        XCTAssertTrue(error([("url", .string("http://u:p@h/"))]).contains("credentials"))
        XCTAssertTrue(error([("url", .string("http://h/")), ("mode", .string("csv"))]).contains("binary, structured or batch"))
        XCTAssertTrue(error([("url", .string("http://h/")), ("colour", .string("x"))]).contains("unknown key 'colour'"))
        XCTAssertTrue(error([("url", .string("http://h/")), ("headers", .array([.string("Content-Type: x")]))]).contains("the sink sets it"))
        XCTAssertTrue(error([("url", .string("http://h/")), ("headers", .array([.string("ce-id: x")]))]).contains("the sink sets it"))
        XCTAssertTrue(error([("url", .string("http://h/")), ("bearer_token", .string("a\nb"))]).contains("cannot be sent"))
        XCTAssertTrue(error([("url", .string("http://h/")), ("ca_file", .string("/x.pem"))]).contains("https://"))
        XCTAssertTrue(error([("url", .string("http://h/")), ("basic_username", .string("u"))]).contains("go together"))
    }
}
