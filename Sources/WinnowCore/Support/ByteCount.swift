/// A number of bytes as people read it in a message: `812 bytes`, `119 KB`, `1.2 GB` (powers of 1,000; one
/// decimal below 10 of a unit).
struct ByteCount: CustomStringConvertible {
    var bytes: Int

    init(_ bytes: Int) { self.bytes = bytes }

    var description: String {
        if bytes < 1000 { return bytes == 1 ? "1 byte" : "\(bytes) bytes" }
        var value = Double(bytes)
        var unit = "bytes"
        for next in ["KB", "MB", "GB", "TB", "PB", "EB"] where value >= 1000 {
            value /= 1000
            unit = next
        }
        if value < 10 {
            let tenths = Int((value * 10).rounded())
            return tenths % 10 == 0 ? "\(tenths / 10) \(unit)" : "\(tenths / 10).\(tenths % 10) \(unit)"
        }
        return "\(Int(value.rounded())) \(unit)"
    }
}
