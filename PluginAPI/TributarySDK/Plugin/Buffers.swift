import CTributary
import Glibc

extension trib_type_host_buffer {
    /// The bytes as a Swift string (invalid UTF-8 is repaired). Copies; use on cold paths.
    public var string: String {
        guard let ptr, len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: ptr, count: len), as: UTF8.self)
    }

    /// The bytes without copying. Valid only as long as the buffer's lender says.
    public var rawBuffer: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: ptr, count: ptr == nil ? 0 : len)
    }

    /// The bytes, copied.
    public var bytes: [UInt8] { Array(rawBuffer) }

    /// Whether the buffer holds exactly `text`, without allocating.
    public func equals(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == len && (len == 0 || memcmp(ptr!, utf8.baseAddress!, len) == 0)
        }
    }
}

extension trib_type_plugin_buffer {
    /// Borrows a `[UInt8]` or `UnsafeRawBufferPointer` region as a plugin buffer.
    public init(_ raw: UnsafeRawBufferPointer) {
        self.init(ptr: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), len: raw.count)
    }
}

/// Calls `body` with plugin buffers lending the UTF-8 of each string, for the duration of the call.
/// The host copies what it keeps before its callback returns, so this scope is long enough.
public func withPluginBuffers<R>(
    _ strings: [String], _ body: (UnsafeBufferPointer<trib_type_plugin_buffer>) throws -> R
) rethrows -> R {
    var total = 0
    for string in strings { total += string.utf8.count }
    // Runs for every published message: the bytes and the buffer array live on the stack.
    return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { bytes in
        try withUnsafeTemporaryAllocation(of: trib_type_plugin_buffer.self, capacity: max(strings.count, 1)) { buffers in
            var offset = 0
            for (index, string) in strings.enumerated() {
                let start = bytes.baseAddress! + offset
                offset += string.copyUTF8(to: start)
                buffers.initializeElement(at: index, to: trib_type_plugin_buffer(ptr: start, len: bytes.baseAddress! + offset - start))
            }
            return try body(UnsafeBufferPointer(rebasing: buffers[..<strings.count]))
        }
    }
}
