import Foundation
import Logging
import WinnowCore

/// swift-log to a file (`$WINNOW_LOG`, else `winnow.log` beside the database): never to the screen,
/// which belongs to curses while the labeling screen runs.
struct FileLog: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let handle: FileHandle?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard let handle else { return }
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(Timestamp.now()) \(event.level) \(event.message)\(fields.isEmpty ? "" : " " + fields)\n"
        handle.write(Data(line.utf8))
    }

    static func logger(besideDatabase database: String) -> Logger {
        let path = ProcessInfo.processInfo.environment["WINNOW_LOG"]
            ?? ((database as NSString).deletingLastPathComponent as NSString).appendingPathComponent("winnow.log")
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = FileHandle(forWritingAtPath: path)
        _ = try? handle?.seekToEnd()
        return Logger(label: "winnow") { _ in FileLog(handle: handle) }
    }
}
