import Foundation

/// A model version's predictions for the whole pool, in one binary file beside the database
/// (`DB.model-N.bin`): written to `….tmp`, fsynced, renamed, and the folder fsynced, before the main
/// database's pointer moves to it. A file cut short or changed fails its checksum and is not read.
///
/// Layout (little-endian): "WINNOWM1", UInt32 header length, header JSON
/// (`{"version", "count", "targets": [{"id", "kind", "low", "high"}]}`), count × Int64 item ids
/// (ascending), count × Float32 uncertainty, then per target count × Float32 mean and count × Float32
/// std, then "END!" and the UInt64 FNV-1a hash of everything before it.
public enum ModelFile {
    static let magic = Array("WINNOWM1".utf8)
    static let trailer = Array("END!".utf8)

    public struct Contents: Sendable {
        public var version: Int64
        public var targets: [TargetSpec]
        public var ids: [Int64]
        public var uncertainty: [Float]
        public var mean: [[Float]]
        public var std: [[Float]]
    }

    /// Where version `id`'s file goes: beside the database, named after it.
    public static func path(database: String, version: Int64) -> String {
        database + ".model-\(version).bin"
    }

    static func encode(_ c: Contents) -> [UInt8] {
        var out = magic
        out.reserveCapacity(64 + c.ids.count * (12 + 8 * c.targets.count))
        let header = JSONValue.object(JSONObject([
            "version": .number(Int(c.version)),
            "count": .number(c.ids.count),
            "targets": .array(c.targets.map { t in
                .object(JSONObject(["id": .string(t.id), "kind": .string(t.kind.rawValue), "low": .number(t.low), "high": .number(t.high)]))
            }),
        ])).serialized()
        appendU32(&out, UInt32(header.utf8.count))
        out.append(contentsOf: header.utf8)
        c.ids.withUnsafeBytes { out.append(contentsOf: $0) }
        c.uncertainty.withUnsafeBytes { out.append(contentsOf: $0) }
        for i in c.targets.indices {
            c.mean[i].withUnsafeBytes { out.append(contentsOf: $0) }
            c.std[i].withUnsafeBytes { out.append(contentsOf: $0) }
        }
        out.append(contentsOf: trailer)
        var h = FNV1a.hash(out)
        withUnsafeBytes(of: &h) { out.append(contentsOf: $0) }
        return out
    }

    static func appendU32(_ out: inout [UInt8], _ v: UInt32) {
        var le = v.littleEndian
        withUnsafeBytes(of: &le) { out.append(contentsOf: $0) }
    }

    /// Writes `contents` to `path` durably: tmp file, fsync, rename, fsync of the folder. `midway` is
    /// called after half the bytes are written (tests use it to simulate a worker killed mid-write).
    static func write(_ contents: Contents, to path: String, midway: (() throws -> Void)? = nil) throws {
        let bytes = encode(contents)
        let tmp = path + ".tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ModelError.io("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var closed = false
        defer { if !closed { close(fd) } }
        func writeAll(_ slice: ArraySlice<UInt8>) throws {
            try slice.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ModelError.io("cannot write \(tmp): \(String(cString: strerror(errno)))")
                    }
                    offset += n
                }
            }
        }
        let half = bytes.count / 2
        try writeAll(bytes[0..<half])
        try midway?()
        try writeAll(bytes[half...])
        guard fsync(fd) == 0 else { throw ModelError.io("cannot sync \(tmp)") }
        close(fd)
        closed = true
        guard rename(tmp, path) == 0 else { throw ModelError.io("cannot rename \(tmp): \(String(cString: strerror(errno)))") }
        let folder = (path as NSString).deletingLastPathComponent
        let dfd = open(folder.isEmpty ? "." : folder, O_RDONLY)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    public static func read(path: String) throws -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else { throw ModelError.io("cannot read \(path)") }
        return try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws -> Contents in
            let bad = ModelError.corrupt(path)
            guard raw.count >= 8 + 4 + 4 + 8, Array(raw[0..<8]) == magic else { throw bad }
            let bodyEnd = raw.count - 8
            let stored = raw.loadUnaligned(fromByteOffset: bodyEnd, as: UInt64.self)
            guard FNV1a.hash(UnsafeRawBufferPointer(rebasing: raw[0..<bodyEnd])) == stored,
                Array(raw[(bodyEnd - 4)..<bodyEnd]) == trailer
            else { throw bad }
            let headerLength = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            var offset = 12 + headerLength
            guard offset <= bodyEnd,
                let header = (try? JSONParser.parse(Data(raw[12..<offset])))?.objectValue,
                let version = header["version"]?.doubleValue, let count = header["count"]?.doubleValue.map(Int.init),
                let targetList = header["targets"]?.arrayValue
            else { throw bad }
            let targets: [TargetSpec] = try targetList.map { t in
                guard let o = t.objectValue, let id = o["id"]?.stringValue,
                    let kind = o["kind"]?.stringValue.flatMap(TargetSpec.Kind.init(rawValue:)),
                    let low = o["low"]?.doubleValue, let high = o["high"]?.doubleValue
                else { throw bad }
                return TargetSpec(id: id, kind: kind, low: low, high: high)
            }
            guard offset + count * (8 + 4 + 8 * targets.count) == bodyEnd - 4 else { throw bad }
            func floats() -> [Float] {
                let a = (0..<count).map { raw.loadUnaligned(fromByteOffset: offset + $0 * 4, as: Float.self) }
                offset += count * 4
                return a
            }
            let ids = (0..<count).map { raw.loadUnaligned(fromByteOffset: offset + $0 * 8, as: Int64.self) }
            offset += count * 8
            let uncertainty = floats()
            var mean: [[Float]] = []
            var std: [[Float]] = []
            for _ in targets {
                mean.append(floats())
                std.append(floats())
            }
            return Contents(version: Int64(version), targets: targets, ids: ids, uncertainty: uncertainty, mean: mean, std: std)
        }
    }
}

public enum ModelError: Error, CustomStringConvertible, Equatable {
    case io(String)
    case corrupt(String)
    case lockLost
    case interrupted(String)

    public var description: String {
        switch self {
        case .io(let message): return message
        case .corrupt(let path): return "\(path): not a complete model file"
        case .lockLost: return "the refit lock was taken over by another worker"
        case .interrupted(let message): return "refit interrupted: \(message)"
        }
    }
}
