/// One pass over a property list that either measures it or writes it, so that the list of
/// properties and their order exist once (`MQTTProperties.emit`) and the size written in front
/// of them always matches what follows.
struct MQTTPropertyWriter {
    /// Bytes the properties take, without their length prefix.
    private(set) var length = 0
    /// The identifiers met, as bits (`MQTTPropertyIdentifier.bit`).
    private(set) var present: UInt64 = 0
    /// Where written properties go; untouched while measuring.
    var bytes: [UInt8]
    private let measuring: Bool

    private init(measuring: Bool, bytes: [UInt8]) {
        self.measuring = measuring
        self.bytes = bytes
    }

    static func measuring() -> MQTTPropertyWriter { MQTTPropertyWriter(measuring: true, bytes: []) }

    /// Takes over `buffer` (without copying it) to append to; hand it back with `bytes`.
    static func writing(into buffer: inout [UInt8]) -> MQTTPropertyWriter {
        var writer = MQTTPropertyWriter(measuring: false, bytes: [])
        swap(&writer.bytes, &buffer)
        return writer
    }

    mutating func byte(_ id: MQTTPropertyIdentifier, _ value: UInt8?) {
        guard let value else { return }
        add(id, size: 1) { $0.append(value) }
    }

    mutating func bool(_ id: MQTTPropertyIdentifier, _ value: Bool?) {
        byte(id, value.map { $0 ? 1 : 0 })
    }

    mutating func uint16(_ id: MQTTPropertyIdentifier, _ value: UInt16?) {
        guard let value else { return }
        add(id, size: 2) { $0.appendUInt16(value) }
    }

    mutating func uint32(_ id: MQTTPropertyIdentifier, _ value: UInt32?) {
        guard let value else { return }
        add(id, size: 4) { $0.appendUInt32(value) }
    }

    mutating func variableByteInteger(_ id: MQTTPropertyIdentifier, _ value: UInt32) {
        add(id, size: MQTTWire.variableByteIntegerSize(Int(value))) { $0.appendVariableByteInteger(Int(value)) }
    }

    mutating func string(_ id: MQTTPropertyIdentifier, _ value: String?) {
        guard let value else { return }
        add(id, size: MQTTWire.stringSize(value)) { $0.appendString(value) }
    }

    mutating func stringPair(_ id: MQTTPropertyIdentifier, _ name: String, _ value: String) {
        add(id, size: MQTTWire.stringSize(name) &+ MQTTWire.stringSize(value)) {
            $0.appendString(name)
            $0.appendString(value)
        }
    }

    mutating func binary(_ id: MQTTPropertyIdentifier, _ value: [UInt8]?) {
        guard let value else { return }
        add(id, size: 2 &+ value.count) { $0.appendLengthPrefixed(value) }
    }

    /// Counts a property of `size` bytes after its identifier, and writes it unless measuring.
    private mutating func add(_ id: MQTTPropertyIdentifier, size: Int, _ write: (inout [UInt8]) -> Void) {
        length &+= 1 &+ size
        present |= id.bit
        if !measuring {
            bytes.append(id.rawValue)
            write(&bytes)
        }
    }
}
