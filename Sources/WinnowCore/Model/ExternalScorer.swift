import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A reward model outside Winnow (`winnow worker --scorer CMD`): a command that reads the pool's items and
/// writes a mean and a std per target for each, stored as a model version like the built-in model's, so
/// the queue and `export --source model` use it the same way.
///
/// The protocol (`winnow-scorer/1`), one JSON object per line (UTF-8) each way:
///
/// - Winnow runs `/bin/sh -c CMD` and writes to its stdin a header line
///   `{"protocol": "winnow-scorer/1", "rubric": NAME, "targets": [{"id", "kind", "low", "high"}], "items": N}`
///   (the targets are `RewardModel.targetSpecs`: `overall`, each scale, each flag), then N item lines
///   `{"item": KEY, "group", "image" (or null), "captions": [...], "turns": [{"from", "value"}], "fields": {...}}`,
///   then closes stdin.
/// - The command writes to stdout, per item, `{"item": KEY, "scores": {TARGET: {"mean": x, "std": s}}}`.
///   Scales and `overall`: mean within the target's low…high, std ≥ 0 (the predictive std of a label);
///   flags: mean the probability of `true` (0…1), std its spread. Every line names the same targets, each
///   one of the header's; every item exactly once, in any order. Blank lines are ignored; stderr is free
///   (its last lines are quoted when the command fails).
/// - The command must exit 0 within `timeoutSeconds`; else it is killed (its whole process group).
///
/// Any breach is a `ScorerError` naming the output line and field (or the item missing), and no model
/// version is written.
public struct ExternalScorer: Sendable {
    public static let protocolName = "winnow-scorer/1"
    public var command: String
    public var timeoutSeconds: Double

    public init(command: String, timeoutSeconds: Double = 600) {
        self.command = command
        self.timeoutSeconds = timeoutSeconds
    }

    /// Scores the whole pool with the command and makes the result the current model version.
    public func refit(store: Store, rubric: Rubric, keepFiles: Int = 3, lock: WorkerLock? = nil) throws -> ModelVersion {
        let started = Date()
        let specs = RewardModel.targetSpecs(rubric)
        guard !specs.isEmpty else { throw ScorerError(message: "the rubric has no scale, flag or overall score for a scorer to predict") }
        let (items, lastEventId, versionId) = try store.read { db -> ([Item], Int64, Int64) in
            (try Item.allWithoutOriginals(db), try LabelLog.lastEventId(db), try ModelVersion.nextId(db))
        }
        var input = Data()
        let header = JSONValue.object(JSONObject([
            "protocol": .string(Self.protocolName), "rubric": .string(rubric.name),
            "targets": .array(specs.map { t in
                .object(JSONObject(["id": .string(t.id), "kind": .string(t.kind.rawValue), "low": .number(t.low), "high": .number(t.high)]))
            }),
            "items": .number(items.count),
        ]))
        input.append(contentsOf: header.serialized().utf8)
        input.append(0x0A)
        for item in items {
            let line = JSONValue.object(JSONObject([
                "item": .string(item.key), "group": .string(item.group), "image": item.image.map(JSONValue.string) ?? .null,
                "captions": .array(item.captions.map(JSONValue.string)),
                "turns": .array(item.turns.map { .object(JSONObject(["from": .string($0.from.rawValue), "value": .string($0.value)])) }),
                "fields": .object(item.fields),
            ]))
            input.append(contentsOf: line.serialized().utf8)
            input.append(0x0A)
        }
        let output = try ScorerProcess.run(command: command, input: input, timeoutSeconds: timeoutSeconds)
        let scores = try Self.parse(output: output, items: items, specs: specs)
        if let lock, try !lock.renew() { throw ModelError.lockLost }

        let ids = items.map { $0.id! }
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        let sortedIds = order.map { ids[$0] }
        let targets = scores.targets.map { specs[$0] }
        let mean = scores.mean.map { column in order.map { column[$0] } }
        let std = scores.std.map { column in order.map { column[$0] } }
        var uncertainty = [Float](repeating: 0, count: ids.count)
        if let overall = targets.firstIndex(where: { $0.id == RewardModel.overallTarget }) {
            uncertainty = RankUncertainty.shares(mean: mean[overall], std: std[overall])
        } else {
            for (c, spec) in targets.enumerated() {
                let range = Float(max(spec.high - spec.low, 1e-9))
                for r in 0..<ids.count { uncertainty[r] += (spec.kind == .logistic ? 2 * std[c][r] : std[c][r] / range) / Float(targets.count) }
            }
        }
        let contents = ModelFile.Contents(version: versionId, targets: targets, ids: sortedIds, uncertainty: uncertainty, mean: mean, std: std)
        let path = ModelFile.path(database: store.path, version: versionId)
        try ModelFile.write(contents, to: path)
        let seconds = Date().timeIntervalSince(started)
        let metrics = JSONObject([
            "kind": .string("external scorer"), "scorer": .string(command), "protocol": .string(Self.protocolName),
            "targets": .array(targets.map { .string($0.id) }), "items_scored": .number(ids.count),
            "seconds": .number(Learner.round(seconds)),
        ])
        let name = (path as NSString).lastPathComponent
        do {
            let version = try store.write { db in
                if let lock, try !lock.isHeld(db) { throw ModelError.lockLost }
                let metrics = JSONValue.object(ModelVersion.span(metrics, started: started, lock: lock)).serialized()
                return try ModelVersion.insertCurrent(db, id: versionId, rubricHash: rubric.contentHash, labelsUsed: 0,
                                                      lastLabelEventId: lastEventId, itemsScored: ids.count, seconds: seconds,
                                                      metrics: metrics, path: name)
            }
            try? RewardModel.cleanFiles(store: store, keep: keepFiles)
            return version
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    struct Scores {
        /// Indices into the specs, in the order of the first line.
        var targets: [Int]
        /// Per target, per item (in `items` order).
        var mean: [[Float]]
        var std: [[Float]]
    }

    /// Reads the command's stdout against the protocol.
    static func parse(output: Data, items: [Item], specs: [TargetSpec]) throws -> Scores {
        var position: [String: Int] = [:]
        for (i, item) in items.enumerated() { position[item.key] = i }
        var targets: [Int]?
        var mean: [[Float]] = [], std: [[Float]] = []
        var seen = [Bool](repeating: false, count: items.count)
        var lineNumber = 0
        var seenCount = 0
        for raw in output.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let text = String(decoding: raw, as: UTF8.self)
            if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            func fail(_ field: String?, _ message: String) -> ScorerError {
                ScorerError(line: lineNumber, field: field, message: message)
            }
            let value: JSONValue
            do {
                value = try JSONParser.parse(Data(raw))
            } catch {
                throw fail(error.path, "not JSON: \(error.message)")
            }
            guard let object = value.objectValue else { throw fail(nil, "expected an object {\"item\", \"scores\"}") }
            for key in object.keys where key != "item" && key != "scores" { throw fail(key, "unknown field (expected item and scores)") }
            guard let key = object["item"]?.stringValue else { throw fail("item", "missing or not a string") }
            guard let i = position[key] else { throw fail("item", "no item with key \"\(key)\" was sent") }
            guard !seen[i] else { throw fail("item", "\"\(key)\" was scored twice") }
            guard let scores = object["scores"]?.objectValue else { throw fail("scores", "missing or not an object") }
            var order: [Int] = []
            for name in scores.keys {
                guard let t = specs.firstIndex(where: { $0.id == name }) else {
                    throw fail("scores.\(name)", "not a target of the rubric (targets: \(specs.map(\.id).joined(separator: ", ")))")
                }
                order.append(t)
            }
            if targets == nil {
                guard !order.isEmpty else { throw fail("scores", "names no target") }
                targets = order
                mean = order.map { _ in [Float](repeating: 0, count: items.count) }
                std = mean
            }
            guard Set(order) == Set(targets!), order.count == targets!.count else {
                throw fail("scores", "names \(order.map { specs[$0].id }.sorted().joined(separator: ", ")); the first line named \(targets!.map { specs[$0].id }.sorted().joined(separator: ", ")) (every line must name the same targets)")
            }
            for (c, t) in targets!.enumerated() {
                let spec = specs[t]
                let field = "scores.\(spec.id)"
                guard let estimate = scores[spec.id]?.objectValue else { throw fail(field, "expected {\"mean\", \"std\"}") }
                guard let m = estimate["mean"]?.doubleValue, m.isFinite else { throw fail(field + ".mean", "missing or not a number") }
                guard let s = estimate["std"]?.doubleValue, s.isFinite else { throw fail(field + ".std", "missing or not a number") }
                guard m >= spec.low - 1e-9, m <= spec.high + 1e-9 else {
                    throw fail(field + ".mean", "\(m) is outside \(spec.low)…\(spec.high)")
                }
                guard s >= 0 else { throw fail(field + ".std", "\(s) is negative") }
                mean[c][i] = Float(m)
                std[c][i] = Float(s)
            }
            seen[i] = true
            seenCount += 1
        }
        if seenCount < items.count {
            let missing = items.indices.filter { !seen[$0] }
            throw ScorerError(message: "the scorer gave no scores for \(missing.count) of \(items.count) items (first: \"\(items[missing[0]].key)\")")
        }
        guard let targets else { throw ScorerError(message: "the scorer printed nothing (the pool is empty?)") }
        return Scores(targets: targets, mean: mean, std: std)
    }
}

/// A scorer that broke the protocol: the line and field of its output, or what went wrong with it.
public struct ScorerError: Error, CustomStringConvertible, Equatable {
    public var line: Int?
    public var field: String?
    public var message: String

    public init(line: Int? = nil, field: String? = nil, message: String) {
        self.line = line
        self.field = field
        self.message = message
    }

    public var description: String {
        var prefix = "scorer"
        if let line { prefix += " output line \(line)" }
        if let field { prefix += ": \(field)" }
        return prefix + ": " + message
    }
}

/// Runs the scorer command with its stdin fed from memory and stdout collected, bounded in time.
enum ScorerProcess {
    static func run(command: String, input: Data, timeoutSeconds: Double) throws -> Data {
        // stdin is a socket pair, so a command that exits without reading cannot kill Winnow with SIGPIPE
        // (send with MSG_NOSIGNAL gets EPIPE instead).
        var sockets: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &sockets) == 0 else {
            throw ScorerError(message: "cannot create the scorer's stdin: \(String(cString: strerror(errno)))")
        }
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else {
            throw ScorerError(message: "cannot create the scorer's pipes: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, sockets[1], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in [sockets[0], sockets[1], outPipe[0], outPipe[1], errPipe[0], errPipe[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout kills the command and everything it started.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, environ)
        close(sockets[1]); close(outPipe[1]); close(errPipe[1])
        guard spawned == 0 else {
            close(sockets[0]); close(outPipe[0]); close(errPipe[0])
            throw ScorerError(message: "cannot start /bin/sh -c \(command): \(String(cString: strerror(spawned)))")
        }

        final class Collected: @unchecked Sendable {
            var stdout = Data()
            var stderr = Data()
            var status: Int32 = 0
        }
        let collected = Collected()
        let group = DispatchGroup()
        let stdinFd = sockets[0], stdoutFd = outPipe[0], stderrFd = errPipe[0]
        let childPid = pid
        DispatchQueue.global().async(group: group) {
            input.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = send(stdinFd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if n < 0 {
                        if errno == EINTR { continue }
                        break   // the command closed its stdin: what it printed decides
                    }
                    offset += n
                }
            }
            close(stdinFd)
        }
        func drain(_ fd: Int32, limit: Int?, into keep: @escaping @Sendable (Data) -> Void) {
            DispatchQueue.global().async(group: group) {
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let n = read(fd, &buffer, buffer.count)
                    if n < 0, errno == EINTR { continue }
                    if n <= 0 { break }
                    data.append(contentsOf: buffer[0..<n])
                    if let limit, data.count > 2 * limit { data = data.suffix(limit) }
                }
                close(fd)
                keep(data)
            }
        }
        drain(stdoutFd, limit: nil) { collected.stdout = $0 }
        drain(stderrFd, limit: 8192) { collected.stderr = $0 }
        let start = Date()
        let exited = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var status: Int32 = 0
            while waitpid(childPid, &status, 0) < 0 && errno == EINTR {}
            collected.status = status
            exited.signal()
        }
        if exited.wait(timeout: .now() + timeoutSeconds) == .timedOut {
            kill(-childPid, SIGKILL)
            exited.wait()
            group.wait()
            throw ScorerError(message: "the scorer did not finish within \(Int(timeoutSeconds)) s and was stopped (--scorer-timeout sets the limit)")
        }
        // The command has exited; a process it left in the background that still holds its output open is
        // stopped at the deadline (the group still exists while it runs, so the id is still the command's).
        let remaining = max(0, timeoutSeconds - Date().timeIntervalSince(start))
        if group.wait(timeout: .now() + remaining) == .timedOut {
            kill(-childPid, SIGKILL)
            group.wait()
        }
        let status = collected.status
        let exitedNormally = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        if !exitedNormally || code != 0 {
            let lines = String(decoding: collected.stderr, as: UTF8.self).split(separator: "\n").suffix(5).joined(separator: "\n  ")
            let how = exitedNormally ? "exited with status \(code)" : "was killed by signal \(status & 0x7F)"
            throw ScorerError(message: "the scorer \(how)" + (lines.isEmpty ? "" : "; its last stderr lines:\n  " + lines))
        }
        return collected.stdout
    }
}
