import Foundation

/// The agreement report kept current for a screen: `poll` never blocks; it starts computing the report
/// in the background when the label log has changed since the last one (and none is being computed),
/// and hands over each finished report once.
public final class AgreementWatch {
    public struct Snapshot: Sendable {
        public var report: AgreementReport
        /// Current labels the report was computed from (annotator and gold).
        public var labels: Int
        public var annotators: Int
        /// The newest label event it saw.
        public var lastEventId: Int64
    }

    private let store: Store
    private let rubric: Rubric
    private let options: AgreementOptions
    private var running: BackgroundResult<Snapshot>?
    private var seenEventId: Int64 = -1

    public init(store: Store, rubric: Rubric, controlMinAgreement: Double?) {
        self.store = store
        self.rubric = rubric
        options = AgreementOptions(byAnnotator: true, byWeek: true, controlMinAgreement: controlMinAgreement)
    }

    /// A new report when one has finished since the last call; nil otherwise (including while computing).
    public func poll() throws -> Snapshot? {
        if let running {
            guard let done = try running.value(waiting: 0) else { return nil }
            self.running = nil
            return done
        }
        let last = try LabelLog(store: store).lastEventId()
        guard last != seenEventId else { return nil }
        seenEventId = last
        let (store, rubric, options) = (store, rubric, options)
        running = BackgroundResult {
            let labels = try LabelLog(store: store).agreementLabels(rubric: rubric)
            let report = AgreementReport.make(labels: labels, rubric: rubric, options: options)
            return Snapshot(report: report, labels: labels.count, annotators: Set(labels.filter { $0.role == .annotator }.map(\.annotator)).count,
                            lastEventId: last)
        }
        return nil
    }

    /// Waits for the report in progress (tests, and a first frame that should not be empty).
    public func wait() throws -> Snapshot? {
        if running == nil { _ = try poll() }
        guard let running else { return nil }
        self.running = nil
        return try running.value()
    }
}
