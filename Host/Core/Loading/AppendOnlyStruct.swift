import Glibc

/// Reads a struct a plugin wrote, which may be older (shorter) than the host's definition: every
/// ABI struct begins with its `struct_size` and only grows at the end, so the bytes past what the
/// plugin knew are not its to give and read as zero (NULL hooks, 0 bounds).
enum AppendOnlyStruct {
    static func read<T>(_ pointer: UnsafePointer<T>) -> T {
        let declared = Int(UnsafeRawPointer(pointer).load(as: UInt32.self))
        let result = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        defer { result.deallocate() }
        memset(result, 0, MemoryLayout<T>.size)
        memcpy(result, pointer, min(declared, MemoryLayout<T>.size))
        return result.load(as: T.self)
    }
}
