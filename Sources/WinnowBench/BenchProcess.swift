import Foundation
import WinnowCore
#if canImport(Glibc)
import Glibc
#endif

/// Child processes and memory figures for `winnow bench`.
public enum BenchProcess {
    public struct Outcome: Sendable {
        public var status: Int32
        /// Wall time from spawn to exit.
        public var seconds: Double
        /// The child's peak resident set (its own `ru_maxrss`, from `wait4`), in MB.
        public var peakRSSMB: Double
        public var stdout: String
        public var stderr: String
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Runs `executable arguments` (looked up on PATH when not a path) with stdin from /dev/null and its
    /// output to files, waits with `wait4` and returns its wall time and peak RSS.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           workingFolder: String) throws -> Outcome {
        let id = UUID().uuidString.prefix(8)
        let outPath = (workingFolder as NSString).appendingPathComponent("child-\(id).out")
        let errPath = (workingFolder as NSString).appendingPathComponent("child-\(id).err")
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let spawned = executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, nil, argv, envp)
            : posix_spawnp(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let exitStatus: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Outcome(
            status: exitStatus, seconds: seconds, peakRSSMB: Double(usage.ru_maxrss) / 1024,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// Whether `name` is an executable on PATH.
    public static func onPath(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// The running executable's path (`/proc/self/exe`).
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Resets this process's peak RSS (`/proc/self/clear_refs`, Linux) so the next `peakRSSMB()` covers only
    /// what follows; false when the kernel does not allow it (then the peak is since process start).
    @discardableResult
    public static func resetPeakRSS() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data("5".utf8))
            return true
        } catch {
            return false
        }
    }

    /// This process's peak RSS (`VmHWM` in `/proc/self/status`) in MB; nil when it cannot be read.
    public static func peakRSSMB() -> Double? {
        statusField("VmHWM:")
    }

    /// This process's current RSS in MB.
    public static func currentRSSMB() -> Double? {
        statusField("VmRSS:")
    }

    private static func statusField(_ name: String) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let kb = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces).split(separator: " ").first.flatMap { Double($0) }
            return kb.map { $0 / 1024 }
        }
        return nil
    }

    /// Seconds on the monotonic clock.
    public static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
