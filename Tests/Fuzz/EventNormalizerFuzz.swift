import CTributary
@testable import TributaryHost
import TributarySDK

/// libFuzzer target: any message an adapter can hand the host either is refused or becomes a
/// record whose fields fit the space computed for them (the writer traps otherwise), whose JSON
/// data is compact valid JSON, and whose structured-mode JSON, serialized in place, is valid and
/// identical to the model's.
///
/// Input: fields separated by NUL bytes in the order application, device, sender, channel,
/// content type, payload, data schema, then extension name/value pairs; the first byte's low
/// bit marks a connection event.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventNormalizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let flags = UInt32(input[0] & 1)
    var fields = input.dropFirst().split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
    while fields.count < 7 { fields.append([]) }
    let extensionFields = Array(fields.dropFirst(7))
    let pairs = stride(from: 0, to: extensionFields.count - 1, by: 2).map { (extensionFields[$0], extensionFields[$0 + 1]) }

    var storage: [UnsafeMutableRawBufferPointer] = []
    defer { storage.forEach { $0.deallocate() } }
    func lend(_ bytes: [UInt8]) -> trib_type_plugin_buffer {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        copy.copyBytes(from: bytes)
        storage.append(copy)
        return trib_type_plugin_buffer(ptr: copy.baseAddress!.assumingMemoryBound(to: UInt8.self), len: bytes.count)
    }
    let attributes = pairs.map { trib_type_plugin_attribute(name: lend($0.0), value: lend($0.1)) }
    attributes.withUnsafeBufferPointer { extensions in
        var message = trib_type_message()
        message.struct_size = UInt32(MemoryLayout<trib_type_message>.size)
        message.flags = flags
        message.application = lend(fields[0])
        message.device = lend(fields[1])
        message.sender = lend(fields[2])
        message.channel = lend(fields[3])
        message.content_type = lend(fields[4])
        message.payload = lend(fields[5])
        message.data_schema = lend(fields[6])
        message.extensions = extensions.baseAddress
        message.extension_count = extensions.count
        guard let record = try? EventNormalizer().normalize(&message, nowUnixNanoseconds: 1_700_000_000_000_000_000) else { return }
        let event = record.event.pointee
        let expectedSource = "drogue://" + String(decoding: fields[0], as: UTF8.self) + "/"
            + PercentEncoding.encode(String(decoding: fields[1], as: UTF8.self))
        precondition(event.source.string == expectedSource, "source")
        precondition(event.extension_count == 5 + (fields[6].isEmpty ? 0 : 1) + pairs.count, "extension count")
        if event.datacontenttype.string == "application/json" {
            var compact: [UInt8] = []
            precondition(JSON.compact(event.data.rawBuffer, into: &compact) && compact == event.data.bytes, "JSON data is compact")
        }
        let inPlace = CloudEventJSONEncoder.encode(record.event)
        precondition(inPlace.withUnsafeBytes { JSON.isValid($0) }, "structured JSON is valid")
        precondition(inPlace == CloudEventJSONEncoder.encode(CloudEvent(record.event)), "in place equals the model")
    }
    return 0
}
