import Foundation

/// Times in the label log and elsewhere: RFC 3339 in UTC with whole seconds (`2026-11-22T01:53:58Z`),
/// so they sort as text and read the same in every time zone.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    public static func now() -> String { string(Date()) }

    /// Parses RFC 3339 with or without fractional seconds and with any offset; nil if it is not one,
    /// including impossible dates and times (Foundation would roll 2026-02-30 over to March).
    public static func parse(_ text: String) -> Date? {
        guard isValidRFC3339(text) else { return nil }
        let plain = Date.ISO8601FormatStyle()
        if let date = try? plain.parse(text) { return date }
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return try? fractional.parse(text)
    }

    /// Checks the fields' ranges: `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`, day within its month.
    static func isValidRFC3339(_ text: String) -> Bool {
        let u = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= u.count else { return nil }
            var n = 0
            for i in range {
                guard u[i] >= 0x30, u[i] <= 0x39 else { return nil }
                n = n * 10 + Int(u[i] - 0x30)
            }
            return n
        }
        guard u.count >= 20, let year = number(0..<4), u[4] == 0x2D, let month = number(5..<7), u[7] == 0x2D,
              let day = number(8..<10), u[10] == 0x54 || u[10] == 0x74, let hour = number(11..<13), u[13] == 0x3A,
              let minute = number(14..<16), u[16] == 0x3A, let second = number(17..<19)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard (1...12).contains(month), (1...days[month - 1]).contains(day), hour < 24, minute < 60, second < 60 else { return false }
        var i = 19
        if i < u.count, u[i] == 0x2E {
            i += 1
            let start = i
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 { i += 1 }
            guard i > start else { return false }
        }
        guard i < u.count else { return false }
        if u[i] == 0x5A || u[i] == 0x7A { return i + 1 == u.count }
        guard u[i] == 0x2B || u[i] == 0x2D, let oh = number((i + 1)..<(i + 3)), i + 3 < u.count, u[i + 3] == 0x3A,
              let om = number((i + 4)..<(i + 6)), i + 6 == u.count
        else { return false }
        return oh < 24 && om < 60
    }
}
