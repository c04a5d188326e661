/// What an ``IncrementalParser`` holds besides its parse state: the completed message not yet
/// taken, the bytes that arrived after it (unparsed), and the error that ended the stream.
///
/// Why hold bytes unparsed: parsing the next message before the caller took the current one
/// would need a queue the peer could grow; held bytes are at most what the caller appended since.
///
/// Everything in this module is `@inlinable` SPI rather than `package`: the compiler neither
/// inlines nor specializes `package` declarations across modules, so every call from a codec
/// looked up generic metadata at run time (a fifth of the HTTP server's CPU). The SPI keeps it
/// out of the codecs' public interface.
public struct DecoderBacklog<Message, Failure: Error> {
    /// The completed message and the number of bytes it took on the wire.
    public var ready: (message: Message, byteCount: Int)?
    public var failure: Failure?
    @usableFromInline var held: [UInt8] = []
    @usableFromInline var heldStart = 0

    @inlinable public init() {}

    /// Whether there is no message, held byte or error.
    @inlinable public var isEmpty: Bool { ready == nil && failure == nil && heldCount == 0 }

    /// Bytes held after the ready message.
    @inlinable public var heldCount: Int { held.count &- heldStart }

    @inlinable public mutating func hold(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        // Reclaim the consumed prefix once it is the larger part, so repeated pipelining keeps
        // the buffer proportional to what is actually held.
        if heldStart > 0 && heldStart >= held.count &- heldStart {
            held.removeSubrange(..<heldStart)
            heldStart = 0
        }
        held.append(contentsOf: bytes)
    }

    /// Takes the held bytes out (so a parser can read them while it mutates itself) and their
    /// start; give them back with ``restore(_:start:)``.
    @inlinable public mutating func takeHeld() -> (bytes: [UInt8], start: Int) {
        defer {
            held = []
            heldStart = 0
        }
        return (held, heldStart)
    }

    /// Puts back bytes taken with ``takeHeld()``, of which those before `start` are consumed.
    @inlinable public mutating func restore(_ bytes: [UInt8], start: Int) {
        if start >= bytes.count {
            held = []
            heldStart = 0
        } else {
            held = bytes
            heldStart = start
        }
    }

    @inlinable public mutating func dropHeld() {
        held = []
        heldStart = 0
    }
}

extension DecoderBacklog: Sendable where Message: Sendable, Failure: Sendable {}
