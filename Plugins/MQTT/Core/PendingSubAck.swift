import MQTTCodec

/// A SUBACK whose reason codes arrive at different times (authorizations in flight): it goes out
/// once the last one is known. Loop thread only.
final class PendingSubAck {
    private var codes: [MQTTReasonCode]
    private var waiting = 0
    private let send: ([MQTTReasonCode]) -> Void

    init(count: Int, send: @escaping ([MQTTReasonCode]) -> Void) {
        codes = [MQTTReasonCode](repeating: .unspecifiedError, count: count)
        self.send = send
    }

    func set(_ index: Int, _ code: MQTTReasonCode) { codes[index] = code }

    /// One more code will come later through `settle`.
    func await() { waiting += 1 }

    func settle(_ index: Int, _ code: MQTTReasonCode) {
        codes[index] = code
        waiting -= 1
        if waiting == 0 { send(codes) }
    }

    /// Sends now if nothing is outstanding.
    func seal() { if waiting == 0 { send(codes) } }
}
