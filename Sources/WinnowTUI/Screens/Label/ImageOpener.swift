import Foundation

/// Opens an image in an outside viewer (`$WINNOW_IMAGE_VIEWER`, else `xdg-open`) without leaving the
/// app: the viewer runs detached with its input and output on /dev/null, so it cannot draw over the
/// screen or read the annotator's keys.
public enum ImageOpener {
    public static func open(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<String, OpenError> {
        let viewer = environment["WINNOW_IMAGE_VIEWER"].flatMap { $0.isEmpty ? nil : $0 } ?? "xdg-open"
        guard FileManager.default.fileExists(atPath: path) else { return .failure(OpenError(message: "no image file at \(path)")) }
        let process = Process()
        // Through the shell so a viewer may carry arguments ("feh -F"); the path is passed as "$1".
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", viewer + " \"$1\"", "winnow-viewer", path]
        let null = FileHandle(forUpdatingAtPath: "/dev/null")
        process.standardInput = null
        process.standardOutput = null
        process.standardError = null
        do {
            try process.run()
        } catch {
            return .failure(OpenError(message: "cannot start \(viewer): \(error.localizedDescription)"))
        }
        return .success(viewer)
    }

    public struct OpenError: Error, Equatable {
        public var message: String
        public init(message: String) { self.message = message }
    }
}
