extension Array where Element == UInt8 {
    /// Makes room for `needed` bytes, growing geometrically but never past `limit`, so
    /// accumulating n bytes costs O(n) copying and a peer-controlled buffer never takes more
    /// memory than its limit (plain appends could double past it).
    @inlinable public mutating func reserveCapped(_ needed: Int, limit: Int) {
        guard capacity < needed else { return }
        reserveCapacity(Swift.min(Swift.max(needed, capacity &* 2), limit))
    }
}
