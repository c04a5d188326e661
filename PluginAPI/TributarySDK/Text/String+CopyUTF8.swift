extension String {
    /// Copies the string's UTF-8 bytes to `dst`, which has room for `utf8.count` bytes, and
    /// returns how many it wrote: one `memcpy` for native strings, byte by byte for bridged ones.
    public func copyUTF8(to dst: UnsafeMutablePointer<UInt8>) -> Int {
        if let copied = utf8.withContiguousStorageIfAvailable({ bytes -> Int in
            if let base = bytes.baseAddress { dst.update(from: base, count: bytes.count) }
            return bytes.count
        }) {
            return copied
        }
        var count = 0
        for byte in utf8 {
            dst[count] = byte
            count += 1
        }
        return count
    }
}
