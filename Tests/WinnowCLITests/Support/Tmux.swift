import Foundation
import XCTest

/// A tmux session running a command, driven as a person would: send keys, read the screen.
/// Waiting is for a condition on the screen with a deadline, never a fixed sleep.
struct Tmux {
    let name: String
    let socket: String

    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/tmux")
    }

    /// Starts `command` in a detached session of `width` × `height`.
    init(command: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        name = "winnow-\(UUID().uuidString.prefix(8))"
        socket = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(name)").path
        var env = environment.map { "\($0.key)=\(Tmux.quote($0.value))" }.joined(separator: " ")
        if !env.isEmpty { env += " " }
        // After the command ends the pane stays, showing its exit status, until the test kills it.
        let script = "\(env)\(command); echo \"EXITED rc=$?\"; sleep 600"
        // The server this starts inherits the client's stdout, so no pipe is read here: it would never close.
        try Tmux.run(capturing: false, ["-S", socket, "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", "env TERM=xterm-256color LANG=C.UTF-8 sh -c \(Tmux.quote(script))"])
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs tmux with posix_spawn and waitpid. (Foundation's Process was seen to hang here: the tmux
    /// client forks the server and exits, and its exit was never collected.) Output goes through a
    /// temporary file, never a pipe, since the server would inherit and hold a pipe open.
    @discardableResult
    static func run(capturing: Bool = true, _ arguments: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-out-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, capturing ? output : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = (["tmux"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, nil, argv, environ)
        guard spawned == 0 else { throw NSError(domain: "tmux", code: Int(spawned)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return capturing ? ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "") : ""
    }

    func send(_ keys: String...) throws {
        try Tmux.run(["-S", socket, "send-keys", "-t", name] + keys)
    }

    /// Sends text literally (no key-name lookup).
    func type(_ text: String) throws {
        try Tmux.run(["-S", socket, "send-keys", "-t", name, "-l", text])
    }

    func screen() throws -> String {
        try Tmux.run(["-S", socket, "capture-pane", "-p", "-t", name])
    }

    func resize(width: Int, height: Int) throws {
        try Tmux.run(["-S", socket, "resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The pid of the program running in the pane's shell (the first child of the pane's process).
    func panePID() throws -> Int32? {
        Int32(try Tmux.run(["-S", socket, "display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Polls the screen until `condition` holds, for at most `timeout` seconds; fails the test otherwise.
    @discardableResult
    func waitFor(_ description: String, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if condition(last) { return last }
            usleep(50_000)
        }
        XCTFail("timed out waiting for \(description); screen:\n\(last)", file: file, line: line)
        return last
    }

    func waitFor(text: String, timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitFor("\"\(text)\"", timeout: timeout, file: file, line: line) { $0.contains(text) }
    }

    func kill() {
        _ = try? Tmux.run(["-S", socket, "kill-server"])
        try? FileManager.default.removeItem(atPath: socket)
    }
}
