import Foundation

/// How big the proof suite runs: reduced (the default, what `scripts/test` and CI run) or full, with
/// `WINNOW_PROOF_FULL=1` in the environment.
public enum ProofSize {
    public static var isFull: Bool { ProcessInfo.processInfo.environment["WINNOW_PROOF_FULL"] == "1" }

    /// `reduced` cases normally, `full` with `WINNOW_PROOF_FULL=1`.
    public static func count(reduced: Int, full: Int) -> Int { isFull ? full : reduced }

    /// A line of figures for the run's log (`proof: ...`), which the README's full-size figures come from.
    public static func report(_ line: String) {
        print("proof (\(isFull ? "full" : "reduced")): \(line)")
    }
}
