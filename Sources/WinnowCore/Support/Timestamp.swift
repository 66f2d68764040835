import Foundation

/// Times in the label log and elsewhere: RFC 3339 in UTC with whole seconds (`2026-11-22T01:53:58Z`),
/// so they sort as text and read the same in every time zone.
public enum Timestamp {
    public static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    public static func now() -> String { string(Date()) }

    /// Parses RFC 3339 with or without fractional seconds and with any offset; nil if it is not one.
    public static func parse(_ text: String) -> Date? {
        let plain = Date.ISO8601FormatStyle()
        if let date = try? plain.parse(text) { return date }
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        return try? fractional.parse(text)
    }
}
