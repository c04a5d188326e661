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
        length &+= 2
        present |= id.bit
        if !measuring {
            bytes.append(id.rawValue)
            bytes.append(value)
        }
    }

    mutating func bool(_ id: MQTTPropertyIdentifier, _ value: Bool?) {
        byte(id, value.map { $0 ? 1 : 0 })
    }

    mutating func uint16(_ id: MQTTPropertyIdentifier, _ value: UInt16?) {
        guard let value else { return }
        length &+= 3
        present |= id.bit
        if !measuring {
            bytes.append(id.rawValue)
            bytes.appendUInt16(value)
        }
    }

    mutating func uint32(_ id: MQTTPropertyIdentifier, _ value: UInt32?) {
        guard let value else { return }
        length &+= 5
        present |= id.bit
        if !measuring {
            bytes.append(id.rawValue)
            bytes.appendUInt32(value)
        }
    }

    mutating func variableByteInteger(_ id: MQTTPropertyIdentifier, _ value: UInt32) {
        length &+= 1 &+ MQTTWire.variableByteIntegerSize(Int(value))
        present |= id.bit
        if !measuring {
            bytes.append(id.rawValue)
            bytes.appendVariableByteInteger(Int(value))
        }
    }

    mutating func string(_ id: MQTTPropertyIdentifier, _ value: String?) {
        guard let value else { return }
        length &+= 1 &+ MQTTWire.stringSize(value)
        present |= id.bit
        if !measuring {
            bytes.append(id.rawValue)
            bytes.appendString(value)
        }
    }

    mutating func stringPair(_ id: MQTTPropertyIdentifier, _ name: String, _ value: String) {
        length &+= 1 &+ MQTTWire.stringSize(name) &+ MQTTWire.stringSize(value)
        present |= id.bit
        if !measuring {
            bytes.append(id.rawValue)
            bytes.appendString(name)
            bytes.appendString(value)
        }
    }

    mutating func binary(_ id: MQTTPropertyIdentifier, _ value: [UInt8]?) {
        guard let value else { return }
        length &+= 3 &+ value.count
        present |= id.bit
        if !measuring {
            bytes.append(id.rawValue)
            bytes.appendLengthPrefixed(value)
        }
    }
}
