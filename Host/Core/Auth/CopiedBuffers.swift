import CTributary

/// Byte strings copied out of a lent request or result, kept in one array so a request can be
/// rebuilt as C structs (pointing into it) whenever it is passed on along the chain.
struct CopiedBuffers: Sendable {
    private var bytes: [UInt8] = []
    private var ranges: [Range<Int>] = []

    init() {}

    /// Copies each of `buffers`, in order.
    init(_ buffers: [trib_type_plugin_buffer]) {
        for buffer in buffers { append(buffer) }
    }

    /// Copies `buffer` and returns its index.
    @discardableResult
    mutating func append(_ buffer: trib_type_host_buffer) -> Int {
        append(buffer.rawBuffer)
    }

    @discardableResult
    mutating func append(_ buffer: trib_type_plugin_buffer) -> Int {
        append(UnsafeRawBufferPointer(start: buffer.ptr, count: buffer.ptr == nil ? 0 : buffer.len))
    }

    @discardableResult
    mutating func append(_ raw: UnsafeRawBufferPointer) -> Int {
        let start = bytes.count
        bytes.append(contentsOf: raw)
        ranges.append(start..<bytes.count)
        return ranges.count - 1
    }

    @discardableResult
    mutating func append(_ text: String) -> Int {
        let start = bytes.count
        bytes.append(contentsOf: text.utf8)
        ranges.append(start..<bytes.count)
        return ranges.count - 1
    }

    /// Copies the string at `index` of `other`, byte for byte.
    @discardableResult
    mutating func append(_ index: Int, of other: CopiedBuffers) -> Int {
        let start = bytes.count
        bytes.append(contentsOf: other.bytes[other.ranges[index]])
        ranges.append(start..<bytes.count)
        return ranges.count - 1
    }

    var count: Int { ranges.count }

    func string(_ index: Int) -> String { String(decoding: bytes[ranges[index]], as: UTF8.self) }

    func isEmpty(_ index: Int) -> Bool { ranges[index].isEmpty }

    /// Lends every copied string as a host buffer for the duration of `body`.
    func withBuffers<R>(_ body: ([trib_type_host_buffer]) -> R) -> R {
        bytes.withUnsafeBytes { raw in
            body(ranges.map { range in
                let slice = UnsafeRawBufferPointer(rebasing: raw[range])
                return trib_type_host_buffer(ptr: slice.baseAddress?.assumingMemoryBound(to: UInt8.self), len: slice.count)
            })
        }
    }
}
