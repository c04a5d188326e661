/// A decoder that consumes bytes as they arrive and yields whole messages, one at a time.
///
/// The conforming decoder implements ``parse(_:)`` for one message at a time; this protocol's
/// extension supplies the append/next discipline all decoders share (`feed` and `nextMessage`):
/// bytes are parsed on arrival up to the end of one message, bytes after it are held until the
/// caller takes it, and the first error ends the stream for good.
public protocol IncrementalParser {
    associatedtype Message
    associatedtype Failure: Error

    /// Parses bytes of the message in progress, stopping right after one completes.
    ///
    /// - Returns: how many bytes were consumed (all of them unless a message completed), and
    ///   the completed message with its size on the wire.
    mutating func parse(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> (consumed: Int, message: (Message, Int)?)

    /// Bytes of the unfinished message consumed so far.
    var partialByteCount: Int { get }

    var backlog: DecoderBacklog<Message, Failure> { get set }
}

extension IncrementalParser {
    /// Hands received bytes to the decoder; parsing errors surface from ``nextMessage()``.
    @inlinable public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard backlog.failure == nil else { return }
        if backlog.ready != nil {
            backlog.hold(bytes)
        } else {
            let consumed = consume(bytes)
            backlog.hold(UnsafeRawBufferPointer(rebasing: bytes[consumed...]))
        }
    }

    /// The next complete message, nil when more bytes are needed, or the error that ended the
    /// stream (thrown again on every later call).
    @inlinable public mutating func nextMessage() throws(Failure) -> Message? {
        guard let (message, _) = backlog.ready else {
            if let failure = backlog.failure { throw failure }
            return nil
        }
        backlog.ready = nil
        if backlog.heldCount > 0 {
            let (held, start) = backlog.takeHeld()
            let consumed = held.withUnsafeBytes { consume(UnsafeRawBufferPointer(rebasing: $0[start...])) }
            if backlog.failure == nil { backlog.restore(held, start: start &+ consumed) }
        }
        return message
    }

    /// Bytes received and not yet returned by ``nextMessage()``.
    @inlinable public var unreturnedByteCount: Int {
        partialByteCount &+ (backlog.ready?.byteCount ?? 0) &+ backlog.heldCount
    }

    /// Parses until a message completes; returns the bytes consumed. An error is recorded and
    /// everything else dropped.
    @inlinable mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Int {
        do throws(Failure) {
            let (consumed, completed) = try parse(bytes)
            if let (message, byteCount) = completed { backlog.ready = (message, byteCount) }
            return consumed
        } catch {
            backlog.failure = error
            backlog.dropHeld()
            return bytes.count
        }
    }
}
