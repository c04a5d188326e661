import XCTest

@testable import TributarySDK

final class RFC3339Tests: XCTestCase {
    private let second: Int64 = 1_000_000_000

    func testEpoch() {
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: 0), "1970-01-01T00:00:00.000000Z")
        XCTAssertEqual(RFC3339.parse("1970-01-01T00:00:00Z"), 0)
        XCTAssertEqual(RFC3339.parse("1970-01-01T00:00:00.000000Z"), 0)
    }

    func testKnownInstants() {
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: 1_682_935_200 * second), "2023-05-01T10:00:00.000000Z")
        XCTAssertEqual(
            RFC3339.formatUTC(unixNanoseconds: 1_700_000_000 * second + 123_456_789), "2023-11-14T22:13:20.123456Z")
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: Int64.max), "2262-04-11T23:47:16.854775Z")
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: Int64.min), "1677-09-21T00:12:43.145224Z")
    }

    func testBefore1970() {
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: -1), "1969-12-31T23:59:59.999999Z")
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: -1_000), "1969-12-31T23:59:59.999999Z")
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: -1_001), "1969-12-31T23:59:59.999998Z")
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: -86_400 * second), "1969-12-31T00:00:00.000000Z")
        // 1900-01-01 is 25567 days before the epoch.
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: -25_567 * 86_400 * second), "1900-01-01T00:00:00.000000Z")
        XCTAssertEqual(RFC3339.parse("1900-01-01T00:00:00Z"), -25_567 * 86_400 * second)
        XCTAssertEqual(RFC3339.parse("1969-12-31T23:59:59.999999999Z"), -1)
    }

    func testLeapDays() {
        XCTAssertEqual(RFC3339.formatUTC(unixNanoseconds: 951_782_400 * second), "2000-02-29T00:00:00.000000Z")
        XCTAssertEqual(RFC3339.parse("2000-02-29T00:00:00Z"), 951_782_400 * second)
        XCTAssertEqual(RFC3339.parse("2024-02-29T12:00:00Z"), 1_709_208_000 * second)
        XCTAssertEqual(
            RFC3339.parse("2024-03-01T00:00:00Z")! - RFC3339.parse("2024-02-28T00:00:00Z")!, 2 * 86_400 * second)
        XCTAssertNil(RFC3339.parse("2023-02-29T00:00:00Z"))
        XCTAssertNil(RFC3339.parse("1900-02-29T00:00:00Z"), "1900 is not a leap year")
        XCTAssertNil(RFC3339.parse("2100-02-29T00:00:00Z"), "2100 is not a leap year")
    }

    func testOffsets() {
        let tenUTC: Int64 = 1_682_935_200 * second
        XCTAssertEqual(RFC3339.parse("2023-05-01T12:00:00+02:00"), tenUTC)
        XCTAssertEqual(RFC3339.parse("2023-05-01T10:00:00Z"), tenUTC)
        XCTAssertEqual(RFC3339.parse("2023-05-01T10:00:00z"), tenUTC)
        XCTAssertEqual(RFC3339.parse("2023-05-01T10:00:00+00:00"), tenUTC)
        XCTAssertEqual(RFC3339.parse("2023-05-01T10:00:00-00:00"), tenUTC)
        XCTAssertEqual(RFC3339.parse("2023-05-01T04:30:00-05:30"), tenUTC)
        XCTAssertEqual(RFC3339.parse("2023-05-01T23:59:00+13:59"), tenUTC)
        XCTAssertEqual(RFC3339.parse("2023-05-02T00:00:00+14:00"), tenUTC, "offset crossing a day")
    }

    func testSeparatorsAndFractions() {
        let base: Int64 = 1_682_935_200 * second
        XCTAssertEqual(RFC3339.parse("2023-05-01t10:00:00Z"), base)
        XCTAssertEqual(RFC3339.parse("2023-05-01 10:00:00Z"), base)
        XCTAssertEqual(RFC3339.parse("2023-05-01T10:00:00.5Z"), base + 500_000_000)
        XCTAssertEqual(RFC3339.parse("2023-05-01T10:00:00.123456789Z"), base + 123_456_789)
        XCTAssertEqual(RFC3339.parse("2023-05-01T10:00:00.000000001+00:00"), base + 1)
        XCTAssertEqual(RFC3339.parse("2023-05-01T10:00:00.120Z"), base + 120_000_000)
    }

    func testLeapSecondCountsAsNextSecond() {
        XCTAssertEqual(RFC3339.parse("2016-12-31T23:59:60Z"), RFC3339.parse("2017-01-01T00:00:00Z"))
    }

    func testInvalidInputs() {
        for text in [
            "", "2023-05-01", "2023-05-01T10:00:00", "2023-05-01T10:00Z", "2023-13-01T00:00:00Z",
            "2023-00-01T00:00:00Z", "2023-01-00T00:00:00Z", "2023-01-32T00:00:00Z", "2023-04-31T00:00:00Z",
            "2023-05-01T24:00:00Z", "2023-05-01T10:60:00Z", "2023-05-01T10:00:61Z", "2023-05-01T10:00:00.Z",
            "2023-05-01T10:00:00.1234567890Z", "2023-05-01T10:00:00+2:00", "2023-05-01T10:00:00+24:00",
            "2023-05-01T10:00:00+02:60", "2023-05-01T10:00:00+0200", "2023-05-01T10:00:00+02",
            "2023-05-01T10:00:00Zx", "2023-05-01T10:00:00ZZ", "2023-05-01X10:00:00Z", "2023-5-01T10:00:00Z",
            " 2023-05-01T10:00:00Z", "2023-05-01T10:00:00Z ", "+023-05-01T10:00:00Z", "2023/05/01T10:00:00Z",
            "2023-05-01T10:00:00,5Z", "0000-01-01T00:00:00Z", "2023-05-01T10:00:00UTC", "２０２３-05-01T10:00:00Z",
        ] {
            XCTAssertNil(RFC3339.parse(text), text)
        }
    }

    func testOutsideTheNanosecondRangeIsNil() {
        XCTAssertNil(RFC3339.parse("0001-01-01T00:00:00Z"))
        XCTAssertNil(RFC3339.parse("9999-12-31T23:59:59Z"))
        XCTAssertNil(RFC3339.parse("1677-09-21T00:12:43Z"))
        XCTAssertNotNil(RFC3339.parse("1677-09-21T00:12:44Z"))
        XCTAssertNotNil(RFC3339.parse("2262-04-11T23:47:16Z"))
        XCTAssertNil(RFC3339.parse("2262-04-11T23:47:17Z"))
    }

    func testRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let nanos = Int64.random(in: Int64.min...Int64.max, using: &generator) / 1_000 * 1_000
            let text = RFC3339.formatUTC(unixNanoseconds: nanos)
            XCTAssertEqual(RFC3339.parse(text), nanos, text)
        }
    }

    func testCalendarAgainstFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let seconds = Int64.random(in: -9_223_372_036...9_223_372_035, using: &generator)
            let text = RFC3339.formatUTC(unixNanoseconds: seconds * second)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.000000Z", parts.year!, parts.month!, parts.day!, parts.hour!,
                parts.minute!, parts.second!)
            XCTAssertEqual(text, expected)
        }
    }

    func testDayCountsAgainstSimpleCalendarWalk() {
        var days: Int64 = 0
        var (year, month, day) = (1970, 1, 1)
        let monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for _ in 0..<110_000 {
            let civil = RFC3339.civilFromDays(days)
            XCTAssertEqual([civil.year, civil.month, civil.day], [Int64(year), Int64(month), Int64(day)])
            XCTAssertEqual(RFC3339.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day)), days)
            days += 1
            day += 1
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            if day > monthLengths[month - 1] + (month == 2 && leap ? 1 : 0) {
                day = 1
                month += 1
                if month > 12 {
                    month = 1
                    year += 1
                }
            }
        }
    }

    func testAppendUTCAppends() {
        var output: [UInt8] = Array("t=".utf8)
        RFC3339.appendUTC(unixNanoseconds: 0, to: &output)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "t=1970-01-01T00:00:00.000000Z")
    }

    func testNowIsCurrentAndParsesBack() {
        let now = RFC3339.nowUnixNanoseconds()
        let foundationNow = Int64(Date().timeIntervalSince1970 * 1e9)
        XCTAssertLessThan(abs(now - foundationNow), 5 * second)
        let text = RFC3339.formatUTC(unixNanoseconds: now)
        XCTAssertEqual(RFC3339.parse(text), now / 1_000 * 1_000)
    }
}
