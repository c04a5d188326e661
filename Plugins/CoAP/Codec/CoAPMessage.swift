/// One CoAP message (RFC 7252 section 3): what a datagram holds, decoded. Options are kept in
/// number order, repeated ones in the order they came, as the encoder writes them.
public struct CoAPMessage: Hashable, Sendable {
    public var type: CoAPMessageType
    public var code: CoAPCode
    public var messageID: UInt16
    /// 0 to 8 bytes.
    public var token: [UInt8]
    public var options: [CoAPOption]
    public var payload: [UInt8]

    public static let maximumTokenLength = 8

    public init(type: CoAPMessageType, code: CoAPCode, messageID: UInt16, token: [UInt8] = [],
                options: [CoAPOption] = [], payload: [UInt8] = []) {
        precondition(token.count <= Self.maximumTokenLength, "a CoAP token has at most 8 bytes")
        self.type = type
        self.code = code
        self.messageID = messageID
        self.token = token
        self.options = []
        self.payload = payload
        for option in options { add(option) }
    }

    /// An Empty ACK for `messageID` (section 4.2): "got it, the response comes separately".
    public static func emptyAcknowledgement(_ messageID: UInt16) -> CoAPMessage {
        CoAPMessage(type: .acknowledgement, code: .empty, messageID: messageID)
    }

    /// A Reset for `messageID`: the message was rejected.
    public static func reset(_ messageID: UInt16) -> CoAPMessage {
        CoAPMessage(type: .reset, code: .empty, messageID: messageID)
    }

    /// Inserts `option` after any others of its number, keeping number order.
    public mutating func add(_ option: CoAPOption) {
        let index = options.lastIndex { $0.number <= option.number }.map { $0 + 1 } ?? 0
        options.insert(option, at: index)
    }

    /// Replaces every option of `option.number` with this one.
    public mutating func set(_ option: CoAPOption) {
        options.removeAll { $0.number == option.number }
        add(option)
    }

    public func options(_ number: CoAPOptionNumber) -> [CoAPOption] { options.filter { $0.number == number } }

    public func first(_ number: CoAPOptionNumber) -> CoAPOption? { options.first { $0.number == number } }

    /// Uri-Path segments; nil when one is not UTF-8.
    public var uriPath: [String]? { strings(.uriPath) }

    /// Uri-Query arguments, one per option; nil when one is not UTF-8.
    public var uriQuery: [String]? { strings(.uriQuery) }

    public var contentFormat: UInt16? { first(.contentFormat)?.uintValue.flatMap { UInt16(exactly: $0) } }

    /// The Block1 option: nil when absent; `.some(nil)` when present but invalid.
    public var block1: CoAPBlock?? { first(.block1).map { CoAPBlock(optionValue: $0.value) } }
    public var block2: CoAPBlock?? { first(.block2).map { CoAPBlock(optionValue: $0.value) } }

    /// The first option a receiver must refuse (section 5.4.1, 5.4.3, 5.4.5): a critical one it
    /// does not know (not in `known` and not in this codec's table), or a known critical one
    /// with a value of the wrong length or repeated when it may not be. A request that has one
    /// is answered 4.02; elective options with such faults are ignored by the caller.
    public func unacceptableCriticalOption(known: Set<CoAPOptionNumber> = []) -> CoAPOption? {
        var previous: CoAPOptionNumber?
        for option in options where option.number.isCritical {
            defer { previous = option.number }
            guard option.number.format != nil || known.contains(option.number) else { return option }
            if !option.hasValidLength { return option }
            if previous == option.number && !option.number.isRepeatable { return option }
        }
        return nil
    }

    private func strings(_ number: CoAPOptionNumber) -> [String]? {
        var result: [String] = []
        for option in options where option.number == number {
            guard let string = option.stringValue else { return nil }
            result.append(string)
        }
        return result
    }
}
