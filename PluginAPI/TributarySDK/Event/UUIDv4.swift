#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Fast, lock-free RFC 9562 version-4 UUIDs for CloudEvent `id`s.
///
/// Why: every normalized message needs a fresh event id, at hundreds of thousands per second
/// and from many threads. Reading the kernel RNG per id costs a syscall, so instead a
/// process-wide atomic counter is passed through a keyed 64-bit permutation and a second keyed
/// mix, with a 128-bit key read once from the kernel (`getentropy`, i.e. `getrandom(2)`) on
/// first use. Generation is one relaxed atomic increment plus a few multiplications; there are
/// no locks and no allocations in ``appendRandom(to:)``.
///
/// Guarantees: the counter-to-UUID map is injective, so ids are unique within a process for
/// 2^64 calls; across processes they are as unique as random 122-bit values (fresh key per
/// process). Ids are unpredictable to outsiders who only see ids (they cannot tell the
/// sequence order or guess the next id without the key), but the keyed mixing is not a
/// cryptographic construction: do not use these UUIDs as secrets, session tokens or nonces.
///
/// Limits: a process that calls `fork()` after the first id shares key and counter with its
/// child, so parent and child would repeat each other's ids; generate ids only after forking.
///
/// Format: lowercase `xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx` with version nibble 4 and variant
/// bits `10` (so `V` is one of `8 9 a b`).
public enum UUIDv4 {
    /// Appends a new UUID in its 36-character lowercase text form to `output`.
    ///
    /// Thread-safe and lock-free; the first call in a process also reads the key from the
    /// kernel.
    public static func appendRandom(to output: inout [UInt8]) {
        let (high, low) = next()
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: textCount) { buffer in
            write(high, low, to: buffer.baseAddress!)
            output.append(contentsOf: UnsafeBufferPointer(buffer))
        }
    }

    /// Writes a new UUID in its text form to `dst`, which has room for ``textCount`` bytes.
    public static func writeRandom(to dst: UnsafeMutablePointer<UInt8>) {
        let (high, low) = next()
        write(high, low, to: dst)
    }

    /// Returns a new UUID in its 36-character lowercase text form; see ``appendRandom(to:)``.
    public static func random() -> String {
        let (high, low) = next()
        return String(unsafeUninitializedCapacity: textCount) { buffer in
            write(high, low, to: buffer.baseAddress!)
            return textCount
        }
    }

    /// The length of the text form.
    public static var textCount: Int { 36 }

    // MARK: - Internals

    /// The 128 UUID bits (big-endian halves) for the next counter value, with version and
    /// variant set.
    @inline(__always)
    static func next() -> (UInt64, UInt64) {
        let key = uuidKey
        let n = uuidCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        // `a` is a bijection of `n` (xor-with-key and the two finalizers are each invertible),
        // so every counter value yields a distinct `a`; all 64 bits of `a` land in the UUID.
        let a = mixB(mixA(n ^ key.k0) ^ key.k1)
        // `b` fills the remaining 58 bits; it need not be a bijection.
        let b = mixA(mixB(n &+ key.k1) &+ key.k0)
        // Version nibble 4 takes bits 12...15 of the high half; those 4 bits of `a` move into
        // the low half together with 58 bits of `b`, below the variant bits `10`.
        let high = (a & ~0xF000) | 0x4000
        let low = 0x8000_0000_0000_0000 | (b & 0x3FFF_FFFF_FFFF_FFF0) | ((a >> 12) & 0xF)
        return (high, low)
    }

    /// SplitMix64 / Stafford variant 13 finalizer (invertible).
    @inline(__always)
    private static func mixA(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// MurmurHash3 fmix64 finalizer (invertible).
    @inline(__always)
    private static func mixB(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        return z ^ (z >> 33)
    }

    /// Writes the 36-byte text form of the 128 bits `high`/`low` to `dst`.
    @inline(__always)
    private static func write(_ high: UInt64, _ low: UInt64, to dst: UnsafeMutablePointer<UInt8>) {
        let out = UnsafeMutableRawPointer(dst)
        let a = hex8(UInt32(truncatingIfNeeded: high >> 32))
        let b = hex8(UInt32(truncatingIfNeeded: high))
        let c = hex8(UInt32(truncatingIfNeeded: low >> 32))
        let d = hex8(UInt32(truncatingIfNeeded: low))
        // xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
        out.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: 0x2D, toByteOffset: 8, as: UInt8.self)
        out.storeBytes(of: firstFour(b), toByteOffset: 9, as: UInt32.self)
        out.storeBytes(of: 0x2D, toByteOffset: 13, as: UInt8.self)
        out.storeBytes(of: lastFour(b), toByteOffset: 14, as: UInt32.self)
        out.storeBytes(of: 0x2D, toByteOffset: 18, as: UInt8.self)
        out.storeBytes(of: firstFour(c), toByteOffset: 19, as: UInt32.self)
        out.storeBytes(of: 0x2D, toByteOffset: 23, as: UInt8.self)
        out.storeBytes(of: lastFour(c), toByteOffset: 24, as: UInt32.self)
        out.storeBytes(of: d, toByteOffset: 28, as: UInt64.self)
    }

    /// The 8 lowercase hex digits of `value`, most significant first, packed so that storing
    /// the result little-endian puts them in text order.
    @inline(__always)
    static func hex8(_ value: UInt32) -> UInt64 {
        // Spread the nibbles into bytes: byte k (from the least significant) = nibble k.
        var v = UInt64(value)
        v = ((v & 0xFFFF_0000) << 16) | (v & 0xFFFF)
        v = ((v & 0x0000_FF00_0000_FF00) << 8) | (v & 0x0000_00FF_0000_00FF)
        v = ((v & 0x00F0_00F0_00F0_00F0) << 4) | (v & 0x000F_000F_000F_000F)
        // Nibble n becomes '0' + n, plus 39 more ('a' - '0' - 10) when n >= 10.
        let letters = ((v &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        v = v &+ 0x3030_3030_3030_3030 &+ letters &* 39
        // Most significant nibble must come first in memory.
        return v.bigEndian
    }

    /// The first four characters of a ``hex8(_:)`` result, ready to store as a `UInt32`.
    @inline(__always)
    private static func firstFour(_ packed: UInt64) -> UInt32 {
        #if _endian(little)
        UInt32(truncatingIfNeeded: packed)
        #else
        UInt32(truncatingIfNeeded: packed >> 32)
        #endif
    }

    /// The last four characters of a ``hex8(_:)`` result, ready to store as a `UInt32`.
    @inline(__always)
    private static func lastFour(_ packed: UInt64) -> UInt32 {
        #if _endian(little)
        UInt32(truncatingIfNeeded: packed >> 32)
        #else
        UInt32(truncatingIfNeeded: packed)
        #endif
    }

    /// Reads the 128-bit key from the kernel RNG (`getentropy`, backed by `getrandom(2)`);
    /// falls back to the standard library's system generator (itself `getrandom(2)` or
    /// `/dev/urandom`) if that fails.
    fileprivate static func drawKey() -> (k0: UInt64, k1: UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        let status = withUnsafeMutableBytes(of: &words) { getentropy($0.baseAddress, $0.count) }
        if status != 0 {
            var generator = SystemRandomNumberGenerator()
            words = (generator.next(), generator.next())
        }
        return (words.0, words.1)
    }
}

/// The per-process 128-bit key, initialized once, thread-safely, on first use (Swift globals
/// are lazily initialized via `swift_once`).
private let uuidKey: (k0: UInt64, k1: UInt64) = UUIDv4.drawKey()

/// Process-wide id counter.
private let uuidCounter = Atomic<UInt64>(0)
