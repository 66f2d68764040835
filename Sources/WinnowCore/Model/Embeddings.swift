import Foundation
import GRDB

/// Dense vectors per item from another tool (`winnow embeddings import FILE`, JSONL
/// `{"item": KEY, "vector": [floats]}`). The model appends them (L2-normalized) to its features once
/// every item has one of the same dimension.
public enum Embeddings {
    public struct Summary: Sendable, Equatable {
        public var lines: Int
        public var stored: Int
        public var dimension: Int
        /// Items that have an embedding now, and all items.
        public var itemsWithEmbedding: Int
        public var items: Int
    }

    public struct ImportError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var line: Int
        public var message: String
        public var description: String { line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)" }
    }

    static func encode(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for v in vector {
            var le = v.bitPattern.littleEndian
            withUnsafeBytes(of: &le) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func decode(_ data: Data) -> [Float] {
        data.withUnsafeBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// Reads the whole file and stores every vector in one transaction (all lines or none).
    public static func importFile(path: String, store: Store) throws -> Summary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(path: path, line: 0, message: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        var parsed: [(line: Int, key: String, vector: [Float])] = []
        var dimension = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let number = index + 1
            let value: JSONValue
            do { value = try JSONParser.parse(trimmed) } catch {
                throw ImportError(path: path, line: number, message: "not JSON: \(error.message)")
            }
            guard let object = value.objectValue else { throw ImportError(path: path, line: number, message: "expected an object {\"item\", \"vector\"}") }
            guard let key = object["item"]?.stringValue else { throw ImportError(path: path, line: number, message: "item: expected the item's key as a string") }
            guard let list = object["vector"]?.arrayValue, !list.isEmpty else {
                throw ImportError(path: path, line: number, message: "vector: expected a non-empty list of numbers")
            }
            var vector: [Float] = []
            vector.reserveCapacity(list.count)
            for element in list {
                guard let x = element.doubleValue, x.isFinite else {
                    throw ImportError(path: path, line: number, message: "vector: expected finite numbers, found \(element.serialized())")
                }
                vector.append(Float(x))
            }
            if dimension == 0 { dimension = vector.count }
            guard vector.count == dimension else {
                throw ImportError(path: path, line: number, message: "vector: \(vector.count) numbers, but earlier lines have \(dimension)")
            }
            parsed.append((number, key, vector))
        }
        guard !parsed.isEmpty else { throw ImportError(path: path, line: 0, message: "no vectors in the file") }
        return try store.write { db in
            if let existing = try Embeddings.storedDimension(db), existing != dimension {
                throw ImportError(path: path, line: parsed[0].line,
                                  message: "vector: \(dimension) numbers, but the database's embeddings have \(existing)")
            }
            var vectors: [(itemId: Int64, vector: Data)] = []
            for entry in parsed {
                guard let id = try Item.id(db, key: entry.key) else {
                    throw ImportError(path: path, line: entry.line, message: "item: no item has the key '\(entry.key)'")
                }
                vectors.append((id, encode(entry.vector)))
            }
            try Embeddings.store(db, vectors, dimension: dimension, at: Timestamp.now())
            let with = try Embeddings.count(db)
            let items = try Item.count(db)
            return Summary(lines: parsed.count, stored: parsed.count, dimension: dimension, itemsWithEmbedding: with, items: items)
        }
    }
}
