import CTributary
import TributarySDK

/// How one event is stored in a spool segment.
///
/// A frame is `length` (UInt32, little-endian) + `crc32(payload)` (UInt32, little-endian) +
/// `payload`. A frame is whole only when all its bytes are there and the checksum matches, so a
/// record torn by a crash (the process or the machine died in the middle of a write that was
/// never acknowledged) is recognised and ignored.
///
/// The payload is the event, field by field: a format byte (1), then `specversion`, `id`, `type`,
/// `source` as length-prefixed UTF-8 (UInt32 length); `subject`, `time`, `datacontenttype` the
/// same with length 0xFFFFFFFF for "absent"; the number of extensions and each name and value;
/// then the data bytes.
enum SpoolRecord {
    static let headerSize = 8
    /// Larger lengths are corruption, not records (the host never builds such an event).
    static let maxPayloadSize = 64 << 20
    private static let format: UInt8 = 1
    private static let absent: UInt32 = 0xFFFF_FFFF

    // MARK: - Frames

    /// Appends the frame of `payload` to `output`.
    static func appendFrame(_ payload: [UInt8], to output: inout [UInt8]) {
        appendUInt32(UInt32(payload.count), to: &output)
        appendUInt32(CRC32.checksum(payload), to: &output)
        output += payload
    }

    enum FrameRead: Equatable {
        /// A whole frame: the payload's range in the buffer and the frame's total size.
        case frame(payload: Range<Int>, size: Int)
        /// The buffer ends inside the frame, which needs `size` bytes in all.
        case incomplete(size: Int)
        /// Not a frame: a length out of range or a checksum mismatch.
        case corrupt
    }

    /// Reads the frame at `offset` of `buffer`.
    static func readFrame(_ buffer: [UInt8], at offset: Int) -> FrameRead {
        guard buffer.count - offset >= headerSize else { return .incomplete(size: headerSize) }
        let length = Int(readUInt32(buffer, at: offset))
        guard length <= maxPayloadSize else { return .corrupt }
        let size = headerSize + length
        guard buffer.count - offset >= size else { return .incomplete(size: size) }
        let payload = (offset + headerSize)..<(offset + size)
        let crc = buffer.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[payload])) }
        guard crc == readUInt32(buffer, at: offset + 4) else { return .corrupt }
        return .frame(payload: payload, size: size)
    }

    // MARK: - Events

    static func encode(_ event: CloudEvent) -> [UInt8] {
        var out: [UInt8] = [format]
        out.reserveCapacity(128 + event.data.count + event.id.utf8.count + event.source.utf8.count)
        for text in [event.specversion, event.id, event.type, event.source] { appendText(text, to: &out) }
        for text in [event.subject, event.time, event.dataContentType] {
            if let text { appendText(text, to: &out) } else { appendUInt32(absent, to: &out) }
        }
        appendUInt32(UInt32(event.extensions.count), to: &out)
        for ext in event.extensions {
            appendText(ext.name, to: &out)
            appendText(ext.value, to: &out)
        }
        appendUInt32(UInt32(event.data.count), to: &out)
        out += event.data
        return out
    }

    /// The same record straight from the host's event (no intermediate strings): what
    /// `deliver` stores, for the spool and for the dead-letter file.
    static func encode(_ event: UnsafePointer<trib_type_event>) -> [UInt8] {
        let e = event.pointee
        let extensions = UnsafeBufferPointer(start: e.extensions, count: e.extensions == nil ? 0 : e.extension_count)
        var size = 1 + 4 * 9 + e.id.len + e.type.len + e.source.len + e.subject.len + e.time.len + e.datacontenttype.len + e.data.len + 3
        for ext in extensions { size += 8 + ext.name.len + ext.value.len }
        var out: [UInt8] = [format]
        out.reserveCapacity(size)
        if e.specversion.len == 0 { appendText("1.0", to: &out) } else { appendBytes(e.specversion.rawBuffer, to: &out) }
        for field in [e.id, e.type, e.source] { appendBytes(field.rawBuffer, to: &out) }
        for field in [e.subject, e.time, e.datacontenttype] {
            if field.len == 0 { appendUInt32(absent, to: &out) } else { appendBytes(field.rawBuffer, to: &out) }
        }
        appendUInt32(UInt32(extensions.count), to: &out)
        for ext in extensions {
            appendBytes(ext.name.rawBuffer, to: &out)
            appendBytes(ext.value.rawBuffer, to: &out)
        }
        appendBytes(e.data.rawBuffer, to: &out)
        return out
    }

    /// Calls `body` with the record as a host event whose buffers point into `payload` (valid
    /// during the call only), so the code that reads host events reads spooled ones too. Nil
    /// when the payload is not a record.
    static func withEvent<R>(_ payload: ArraySlice<UInt8>, _ body: (UnsafePointer<trib_type_event>) -> R) -> R? {
        payload.withUnsafeBytes { raw -> R? in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var index = 0
            func field() -> trib_type_host_buffer?? {
                guard raw.count - index >= 4 else { return nil }
                let length = UInt32(base[index]) | UInt32(base[index + 1]) << 8 | UInt32(base[index + 2]) << 16 | UInt32(base[index + 3]) << 24
                index += 4
                if length == absent { return .some(nil) }
                guard raw.count - index >= Int(length) else { return nil }
                defer { index += Int(length) }
                return trib_type_host_buffer(ptr: base + index, len: Int(length))
            }
            guard raw.count > 0, base[0] == format else { return nil }
            index = 1
            guard let specversion = field() ?? nil, let id = field() ?? nil, let type = field() ?? nil, let source = field() ?? nil,
                  let subject = field(), let time = field(), let contentType = field(), raw.count - index >= 4 else { return nil }
            let count = Int(UInt32(base[index]) | UInt32(base[index + 1]) << 8 | UInt32(base[index + 2]) << 16 | UInt32(base[index + 3]) << 24)
            index += 4
            guard count <= 4096 else { return nil }
            var attributes: [trib_type_host_attribute] = []
            attributes.reserveCapacity(count)
            for _ in 0..<count {
                guard let name = field() ?? nil, let value = field() ?? nil else { return nil }
                attributes.append(trib_type_host_attribute(name: name, value: value))
            }
            guard let data = field() ?? nil, index == raw.count else { return nil }
            func find(_ wanted: String) -> trib_type_host_buffer {
                attributes.first { $0.name.equals(wanted) }?.value ?? trib_type_host_buffer(ptr: nil, len: 0)
            }
            let empty = trib_type_host_buffer(ptr: nil, len: 0)
            return attributes.withUnsafeBufferPointer { extensions in
                var event = trib_type_event(
                    struct_size: UInt32(MemoryLayout<trib_type_event>.size), specversion: specversion, id: id, type: type, source: source,
                    subject: subject ?? empty, time: time ?? empty, datacontenttype: contentType ?? empty, data: data,
                    application: find("application"), device: find("device"), sender: find("sender"), partitionkey: find("partitionkey"),
                    extensions: extensions.baseAddress, extension_count: extensions.count)
                return withUnsafePointer(to: &event) { body($0) }
            }
        }
    }

    /// The event in `payload`, or nil when it is not one this format wrote.
    static func decode(_ payload: ArraySlice<UInt8>) -> CloudEvent? {
        var reader = Reader(bytes: payload)
        guard reader.byte() == format,
              let specversion = reader.text(), let id = reader.text(), let type = reader.text(), let source = reader.text(),
              let subject = reader.optionalText(), let time = reader.optionalText(), let contentType = reader.optionalText(),
              let extensionCount = reader.uint32(), extensionCount <= 4096
        else { return nil }
        var extensions: [CloudEventAttribute] = []
        for _ in 0..<extensionCount {
            guard let name = reader.text(), let value = reader.text() else { return nil }
            extensions.append(CloudEventAttribute(name: name, value: value))
        }
        guard let data = reader.chunk(), reader.isAtEnd else { return nil }
        return CloudEvent(specversion: specversion, id: id, type: type, source: source, subject: subject, time: time,
                          dataContentType: contentType, extensions: extensions, data: Array(data))
    }

    private struct Reader {
        let bytes: ArraySlice<UInt8>
        var index: Int

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
            index = bytes.startIndex
        }

        var isAtEnd: Bool { index == bytes.endIndex }

        mutating func byte() -> UInt8? {
            guard index < bytes.endIndex else { return nil }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func uint32() -> UInt32? {
            guard bytes.endIndex - index >= 4 else { return nil }
            defer { index += 4 }
            return UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
        }

        mutating func chunk() -> ArraySlice<UInt8>? {
            guard let length = uint32(), length != SpoolRecord.absent, bytes.endIndex - index >= Int(length) else { return nil }
            defer { index += Int(length) }
            return bytes[index..<(index + Int(length))]
        }

        mutating func text() -> String? {
            chunk().map { String(decoding: $0, as: UTF8.self) }
        }

        /// `.some(nil)` for an absent value, nil when the bytes are malformed.
        mutating func optionalText() -> String?? {
            guard bytes.endIndex - index >= 4 else { return nil }
            if UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24 == SpoolRecord.absent {
                index += 4
                return .some(nil)
            }
            return text().map { .some($0) }
        }
    }

    private static func appendBytes(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        appendUInt32(UInt32(bytes.count), to: &out)
        out += bytes
    }

    private static func appendText(_ text: String, to out: inout [UInt8]) {
        appendUInt32(UInt32(text.utf8.count), to: &out)
        out += text.utf8
    }

    static func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8),
                UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 24)]
    }

    static func readUInt32(_ buffer: [UInt8], at offset: Int) -> UInt32 {
        UInt32(buffer[offset]) | UInt32(buffer[offset + 1]) << 8 | UInt32(buffer[offset + 2]) << 16 | UInt32(buffer[offset + 3]) << 24
    }
}
