#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// RFC 3339 timestamps for CloudEvent `time` attributes, without Foundation.
///
/// Why: every event carries a `time`, so formatting happens per message. The formatter writes
/// a fixed 27-byte UTC form (`YYYY-MM-DDTHH:MM:SS.ffffffZ`, microsecond precision) straight
/// into the caller's buffer using the proleptic Gregorian civil-from-days algorithm, so no
/// calendar, locale or time zone database is involved. The parser accepts what other
/// producers send in `time` and timestamp headers.
///
/// Limits: times are Unix nanoseconds in an `Int64`, i.e. roughly 1677-09-21 to 2262-04-11.
/// Formatting truncates (floors) to whole microseconds, also for times before 1970.
public enum RFC3339 {
    /// Appends `unixNanoseconds` formatted as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC, exactly six
    /// fractional digits, always 27 bytes) to `output`.
    ///
    /// - Parameters:
    ///   - unixNanoseconds: nanoseconds since 1970-01-01T00:00:00Z; negative values are before.
    ///   - output: caller-owned buffer the 27 ASCII bytes are appended to.
    public static func appendUTC(unixNanoseconds: Int64, to output: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: formattedCount) { buffer in
            write(unixNanoseconds, to: buffer.baseAddress!)
            output.append(contentsOf: UnsafeBufferPointer(buffer))
        }
    }

    /// Writes the form ``appendUTC(unixNanoseconds:to:)`` appends to `dst`, which has room for
    /// ``formattedCount`` bytes.
    public static func writeUTC(unixNanoseconds: Int64, to dst: UnsafeMutablePointer<UInt8>) {
        write(unixNanoseconds, to: dst)
    }

    /// Returns `unixNanoseconds` formatted as by ``appendUTC(unixNanoseconds:to:)``.
    public static func formatUTC(unixNanoseconds: Int64) -> String {
        String(unsafeUninitializedCapacity: formattedCount) { buffer in
            write(unixNanoseconds, to: buffer.baseAddress!)
            return formattedCount
        }
    }

    /// Parses an RFC 3339 `date-time` into Unix nanoseconds.
    ///
    /// Accepted: `YYYY-MM-DD`, separator `T`, `t` or a space, `HH:MM:SS`, an optional fraction
    /// of 1–9 digits, then `Z`, `z` or a `±HH:MM` offset, with nothing before or after.
    /// Ranges are validated: year 0001–9999, month 01–12, day within the month (leap years per
    /// Gregorian rules), hour < 24, minute < 60, second ≤ 60, offset hour < 24 and minute < 60.
    /// A leap second (`:60`) is accepted on any date (there is no leap second table) and
    /// counted as 59 s + 1 s, i.e. the same instant as second 0 of the next minute.
    ///
    /// - Returns: nanoseconds since the Unix epoch, or `nil` when the text is not a valid
    ///   timestamp or lies outside the `Int64` nanosecond range (about 1677–2262).
    public static func parse(_ text: String) -> Int64? {
        JSON.withUTF8Bytes(text) { parse($0) }
    }

    /// The current wall-clock time (`CLOCK_REALTIME`) in Unix nanoseconds.
    public static func nowUnixNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    /// The length of the formatted time.
    public static var formattedCount: Int { 27 }

    // MARK: - Internals

    /// Byte-level core of ``parse(_:)``.
    static func parse(_ text: UnsafeRawBufferPointer) -> Int64? {
        let n = text.count
        guard n >= 20, let raw = text.baseAddress else { return nil }
        let p = raw.assumingMemoryBound(to: UInt8.self)

        let year = digits(p, 0, 4)
        let month = digits(p, 5, 2)
        let day = digits(p, 8, 2)
        let hour = digits(p, 11, 2)
        let minute = digits(p, 14, 2)
        let second = digits(p, 17, 2)
        guard year >= 1, month >= 1, month <= 12, day >= 1,
            hour >= 0, hour < 24, minute >= 0, minute < 60, second >= 0, second <= 60,
            p[4] == 0x2D, p[7] == 0x2D, p[13] == 0x3A, p[16] == 0x3A,
            p[10] == 0x54 || p[10] == 0x74 || p[10] == 0x20
        else { return nil }
        guard day <= daysInMonth(year: year, month: month) else { return nil }

        var i = 19
        var fraction: Int64 = 0
        if p[i] == 0x2E {
            i += 1
            var count = 0
            while i < n, (p[i] &- 0x30) < 10 {
                guard count < 9 else { return nil }
                fraction = fraction * 10 + Int64(p[i] &- 0x30)
                count += 1
                i += 1
            }
            guard count > 0 else { return nil }
            for _ in count..<9 { fraction *= 10 }
        }
        guard i < n else { return nil }

        var offsetSeconds: Int64 = 0
        switch p[i] {
        case 0x5A, 0x7A:
            guard i + 1 == n else { return nil }
        case 0x2B, 0x2D:
            guard i + 6 == n, p[i + 3] == 0x3A else { return nil }
            let offsetHour = digits(p, i + 1, 2)
            let offsetMinute = digits(p, i + 4, 2)
            guard offsetHour >= 0, offsetHour < 24, offsetMinute >= 0, offsetMinute < 60 else {
                return nil
            }
            offsetSeconds = Int64(offsetHour * 3600 + offsetMinute * 60)
            if p[i] == 0x2D { offsetSeconds = -offsetSeconds }
        default:
            return nil
        }

        let days = daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offsetSeconds
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (total, overflow2) = scaled.addingReportingOverflow(fraction)
        guard !overflow2 else { return nil }
        return total
    }

    /// Writes the 27-byte form of `unixNanoseconds` to `dst`.
    @inline(__always)
    static func write(_ unixNanoseconds: Int64, to dst: UnsafeMutablePointer<UInt8>) {
        // Floor division so times before the epoch land on the correct earlier second.
        var seconds = unixNanoseconds / 1_000_000_000
        var nanos = unixNanoseconds % 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(days)
        let micros = Int(nanos / 1000)
        let sod = Int(secondOfDay)

        let pairs: StaticString = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
        let table = pairs.utf8Start
        @inline(__always) func pair(_ value: Int, _ at: Int) {
            dst[at] = table[value &* 2]
            dst[at &+ 1] = table[value &* 2 &+ 1]
        }
        let y = Int(year)
        pair(y / 100, 0)
        pair(y % 100, 2)
        dst[4] = 0x2D
        pair(Int(month), 5)
        dst[7] = 0x2D
        pair(Int(day), 8)
        dst[10] = 0x54
        pair(sod / 3600, 11)
        dst[13] = 0x3A
        pair(sod / 60 % 60, 14)
        dst[16] = 0x3A
        pair(sod % 60, 17)
        dst[19] = 0x2E
        pair(micros / 10_000, 20)
        pair(micros / 100 % 100, 22)
        pair(micros % 100, 24)
        dst[26] = 0x5A
    }

    /// Proleptic Gregorian date of a day count relative to 1970-01-01 (H. Hinnant's
    /// civil-from-days, valid for the whole `Int64` nanosecond range).
    @inline(__always)
    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Day count relative to 1970-01-01 of a proleptic Gregorian date (inverse of
    /// ``civilFromDays(_:)``).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    /// `count` ASCII digits at `p + at` as a value, or -1 if any byte is not a digit.
    @inline(__always)
    private static func digits(_ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Int {
        var value = 0
        for k in 0..<count {
            let d = p[at &+ k] &- 0x30
            guard d < 10 else { return -1 }
            value = value &* 10 &+ Int(d)
        }
        return value
    }
}
