import CoAPCodec

/// Answers too large for one datagram, kept so the client can fetch them block by block with
/// Block2 (RFC 7959 section 2.4): it repeats its request with Block2 numbers 1, 2, ... and each
/// repetition is served from here, never handled (published) again. Kept per peer and request
/// target for `lifetimeMilliseconds` after the last block asked; at most `maxAnswers`, the
/// oldest dropped first. Loop thread only.
final class CoAPResponseBlocks {
    struct Answer {
        var code: CoAPCode
        var options: [CoAPOption]
        var body: [UInt8]
    }

    private struct Entry {
        var answer: Answer
        var expires: Int64
    }

    /// Blocks of 1024 bytes unless the client asks for smaller ones.
    static let defaultSizeExponent: UInt8 = 6

    private var entries: [String: Entry] = [:]
    private var order: [String] = []
    private let maxAnswers: Int
    private let lifetimeNanoseconds: Int64

    init(maxAnswers: Int, lifetimeMilliseconds: Int64) {
        self.maxAnswers = maxAnswers
        lifetimeNanoseconds = lifetimeMilliseconds * 1_000_000
    }

    /// Block `number` of the answer (`sizeExponent` from the client's Block2, or the default) and
    /// the options to send with it: Block2, and Size2 with the first block. nil: the whole answer
    /// fits one block (send it as it is).
    static func block(of answer: Answer, number: UInt32, sizeExponent: UInt8) -> (options: [CoAPOption], payload: [UInt8])? {
        let size = 1 << (Int(sizeExponent) + 4)
        let start = Int(number) * size
        guard answer.body.count > size || number > 0, start < answer.body.count || (start == 0 && answer.body.isEmpty) else { return nil }
        let end = min(answer.body.count, start + size)
        var options = answer.options
        options.append(CoAPBlock(number: number, more: end < answer.body.count, sizeExponent: sizeExponent).option(.block2))
        if number == 0 { options.append(CoAPOption(.size2, uint: UInt32(answer.body.count))) }
        return (options, Array(answer.body[start..<end]))
    }

    func keep(_ answer: Answer, key: String, now: Int64) {
        forgetExpired(now: now)
        if entries[key] == nil {
            if entries.count >= maxAnswers, let oldest = order.first {
                order.removeFirst()
                entries[oldest] = nil
            }
            order.append(key)
        }
        entries[key] = Entry(answer: answer, expires: now + lifetimeNanoseconds)
    }

    func answer(_ key: String, now: Int64) -> Answer? {
        forgetExpired(now: now)
        guard var entry = entries[key] else { return nil }
        entry.expires = now + lifetimeNanoseconds
        entries[key] = entry
        return entry.answer
    }

    private func forgetExpired(now: Int64) {
        guard entries.values.contains(where: { $0.expires <= now }) else { return }
        entries = entries.filter { $0.value.expires > now }
        order.removeAll { entries[$0] == nil }
    }
}
