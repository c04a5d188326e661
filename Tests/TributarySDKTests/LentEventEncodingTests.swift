import CTributary
import XCTest

@testable import TributarySDK

/// Events the host lends are serialized in place; the result must be exactly what the model
/// gives for the same event, for every payload mode and every attribute rule.
final class LentEventEncodingTests: XCTestCase {
    /// Lends `event` as a `trib_type_event` whose buffers point at copies of its bytes.
    private func withLent<R>(_ event: CloudEvent, specversion: String? = nil, replacingLastExtensionValueWith raw: [UInt8]? = nil,
                             _ body: (UnsafePointer<trib_type_event>) -> R) -> R {
        var allocations: [UnsafeMutableRawBufferPointer] = []
        defer { allocations.forEach { $0.deallocate() } }
        func lend(_ bytes: [UInt8]) -> trib_type_host_buffer {
            guard !bytes.isEmpty else { return trib_type_host_buffer(ptr: nil, len: 0) }
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            copy.copyBytes(from: bytes)
            allocations.append(copy)
            return trib_type_host_buffer(ptr: UnsafePointer(copy.baseAddress!.assumingMemoryBound(to: UInt8.self)), len: bytes.count)
        }
        func lend(_ text: String?) -> trib_type_host_buffer { lend(Array((text ?? "").utf8)) }
        var attributes = event.extensions.map { trib_type_host_attribute(name: lend($0.name), value: lend($0.value)) }
        if let raw { attributes[attributes.count - 1].value = lend(raw) }
        return attributes.withUnsafeBufferPointer { extensions in
            var lent = trib_type_event()
            lent.struct_size = UInt32(MemoryLayout<trib_type_event>.size)
            lent.specversion = lend(specversion ?? event.specversion)
            lent.id = lend(event.id)
            lent.type = lend(event.type)
            lent.source = lend(event.source)
            lent.subject = lend(event.subject)
            lent.time = lend(event.time)
            lent.datacontenttype = lend(event.dataContentType)
            lent.data = lend(event.data)
            lent.extensions = extensions.baseAddress
            lent.extension_count = extensions.count
            return body(&lent)
        }
    }

    private func event(contentType: String?, data: [UInt8], extensions: [(String, String)] = [("application", "app"), ("device", "d1")],
                       subject: String? = "telemetry", time: String? = "2026-11-29T03:48:26.000000Z") -> CloudEvent {
        CloudEvent(id: "id-1", type: "io.drogue.event.v1", source: "drogue://app/d1", subject: subject, time: time,
                   dataContentType: contentType, extensions: extensions.map { CloudEventAttribute(name: $0.0, value: $0.1) }, data: data)
    }

    func testEveryPayloadModeMatchesTheModel() {
        let cases: [CloudEvent] = [
            event(contentType: "application/json", data: Array(#"{ "t" : 21.5 }"#.utf8)),
            event(contentType: "application/json", data: Array("not json".utf8)),
            event(contentType: "text/plain; charset=utf-8", data: Array("line \"one\"\n\u{1}".utf8)),
            event(contentType: "text/plain", data: [0xFF, 0xFE]),
            event(contentType: "application/octet-stream", data: [0, 1, 2, 250]),
            event(contentType: nil, data: [7]),
            event(contentType: "application/json", data: []),
        ]
        for model in cases {
            let lent = withLent(model) { CloudEventJSONEncoder.encode($0) }
            XCTAssertEqual(String(decoding: lent, as: UTF8.self), String(decoding: CloudEventJSONEncoder.encode(model), as: UTF8.self))
        }
    }

    func testAttributeRulesMatchTheModel() {
        let reserved = event(contentType: "text/plain", data: Array("x".utf8),
                             extensions: [("id", "no"), ("custom", "first"), ("custom", "second"), ("data", "no"), ("q\"uote", "\\\u{7}")],
                             subject: nil, time: nil)
        let lent = withLent(reserved) { CloudEventJSONEncoder.encode($0) }
        XCTAssertEqual(lent, CloudEventJSONEncoder.encode(reserved))
        XCTAssertEqual(String(decoding: lent, as: UTF8.self),
                       #"{"specversion":"1.0","id":"id-1","source":"drogue://app/d1","type":"io.drogue.event.v1","datacontenttype":"text/plain","custom":"first","q\"uote":"\\\u0007","data":"x"}"#)
    }

    func testAnEmptySpecversionIsOnePointZero() {
        let model = event(contentType: nil, data: [])
        let lent = withLent(model, specversion: "") { CloudEventJSONEncoder.encode($0) }
        XCTAssertEqual(lent, CloudEventJSONEncoder.encode(model))
    }

    /// An event a plugin built itself may carry invalid UTF-8; the output is still valid JSON,
    /// repaired the way the model repairs it.
    func testInvalidUTF8AttributesAreRepairedLikeTheModel() {
        var model = event(contentType: "text/plain", data: Array("x".utf8))
        model.extensions.append(CloudEventAttribute(name: "raw", value: "placeholder"))
        let broken: [UInt8] = [0x61, 0xC3, 0x28, 0xFF]
        let lent = withLent(model, replacingLastExtensionValueWith: broken) { CloudEventJSONEncoder.encode($0) }
        XCTAssertTrue(lent.withUnsafeBytes { UTF8Validation.isValid($0) && JSON.isValid($0) })
        XCTAssertTrue(String(decoding: lent, as: UTF8.self).contains("\"raw\":\"a\u{FFFD}(\u{FFFD}\""))
    }

    func testEncodeIntoAppends() {
        let model = event(contentType: "application/json", data: Array("[1]".utf8))
        var output = Array("prefix".utf8)
        withLent(model) { CloudEventJSONEncoder.encode($0, into: &output) }
        XCTAssertEqual(output, Array("prefix".utf8) + CloudEventJSONEncoder.encode(model))
    }
}
