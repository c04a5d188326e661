// Shared by the codec fuzz targets (linked into each, see run.sh).

/// What every codec decoder offers: append bytes, take messages until nil.
protocol FuzzedDecoder {
    associatedtype Message: Equatable
    associatedtype Failure: Error & Equatable
    mutating func append(_ bytes: UnsafeRawBufferPointer)
    mutating func next() throws(Failure) -> Message?
    var bufferedByteCount: Int { get }
    var isIdle: Bool { get }
}

/// Piece sizes derived from the input itself (FNV-1a seeded xorshift), so a crash reproduces
/// from its input file alone, as libFuzzer requires.
struct SplitPoints {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    init(_ data: UnsafeRawBufferPointer) {
        for byte in data { state = (state ^ UInt64(byte)) &* 0x100_0000_01B3 }
        if state == 0 { state = 1 }
    }

    /// 1 to `limit`, mostly small: splits inside tokens are the interesting ones.
    mutating func next(limit: Int) -> Int {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        let bound = state & 1 == 0 ? min(limit, 8) : limit
        return Int((state >> 1) % UInt64(max(bound, 1))) + 1
    }
}

/// Decodes `data` appended in pieces (all at once when `splits` is nil), taking every message
/// after each piece, up to the first error. Checks `check` after every append and message.
func decodeInPieces<D: FuzzedDecoder>(
    _ data: UnsafeRawBufferPointer, _ decoder: inout D, splits: inout SplitPoints?, check: (D) -> Void
) -> (messages: [D.Message], error: D.Failure?) {
    var messages: [D.Message] = []
    var start = 0
    while start < data.count {
        let count = splits?.next(limit: data.count - start) ?? data.count
        decoder.append(UnsafeRawBufferPointer(rebasing: data[start..<start + count]))
        start += count
        check(decoder)
        do throws(D.Failure) {
            while let message = try decoder.next() {
                messages.append(message)
                check(decoder)
            }
        } catch {
            return (messages, error)
        }
    }
    return (messages, nil)
}

/// Decodes `data` whole and in input-derived pieces and traps unless both agree.
func decodeBothWays<D: FuzzedDecoder>(
    _ data: UnsafeRawBufferPointer, _ make: () -> D, check: (D) -> Void
) -> (messages: [D.Message], error: D.Failure?) {
    var whole = make()
    var noSplits: SplitPoints? = nil
    let atOnce = decodeInPieces(data, &whole, splits: &noSplits, check: check)
    var pieces = make()
    var splits: SplitPoints? = SplitPoints(data)
    let inPieces = decodeInPieces(data, &pieces, splits: &splits, check: check)
    precondition(atOnce.messages == inPieces.messages, "messages depend on how the bytes were split")
    precondition(atOnce.error == inPieces.error, "error depends on how the bytes were split")
    return atOnce
}

/// The one message `wire` holds (a re-encoded message), trapping on an error, an incomplete
/// message or bytes left over.
func decodeOnly<D: FuzzedDecoder>(_ wire: [UInt8], with decoder: D) -> D.Message {
    var decoder = decoder
    wire.withUnsafeBytes { decoder.append($0) }
    let message: D.Message?
    do throws(D.Failure) {
        message = try decoder.next()
    } catch {
        preconditionFailure("a re-encoded message does not decode: \(error)")
    }
    guard let message, decoder.isIdle else { preconditionFailure("a re-encoded message is incomplete or has bytes left over") }
    return message
}
