import Foundation

/// Opens an image in an outside viewer (`$WINNOW_IMAGE_VIEWER`, else `xdg-open`) without leaving the
/// app: the viewer runs detached with its input and output on /dev/null, so it cannot draw over the
/// screen or read the annotator's keys.
public enum ImageOpener {
    public static func open(_ path: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Result<String, OpenError> {
        let viewer = environment["WINNOW_IMAGE_VIEWER"].flatMap { $0.isEmpty ? nil : $0 } ?? "xdg-open"
        guard FileManager.default.fileExists(atPath: path) else { return .failure(OpenError(message: "no image file at \(path)")) }
        // The shell would start and fail quietly in the background: look for the program first.
        let program = viewer.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? viewer
        guard isProgram(program, path: environment["PATH"] ?? "/usr/bin:/bin") else {
            let hint = environment["WINNOW_IMAGE_VIEWER"].map { _ in "check WINNOW_IMAGE_VIEWER" } ?? "install xdg-utils or set WINNOW_IMAGE_VIEWER (e.g. feh)"
            return .failure(OpenError(message: "cannot open the image: no program \(program) (\(hint))"))
        }
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

    /// Whether `name` is an executable file (a path) or found on `path`.
    static func isProgram(_ name: String, path: String) -> Bool {
        let manager = FileManager.default
        if name.contains("/") { return manager.isExecutableFile(atPath: name) }
        return path.split(separator: ":").contains { dir in
            manager.isExecutableFile(atPath: (String(dir) as NSString).appendingPathComponent(name))
        }
    }

    public struct OpenError: Error, Equatable {
        public var message: String
        public init(message: String) { self.message = message }
    }
}
