/// What sort of answer a criterion takes.
///
/// - `scale`: ordered numbers (1–5, 0–4, …); the score is the position from the worse end.
/// - `choice`: one of several named options; counts towards the overall score only when the rubric
///   gives each option a score.
/// - `flag`: true or false, one of which is the good value.
/// - `rank`: a candidate's place (1 = best) in an order of its group's candidates, best to worst, given
///   on the group screen (`winnow label --by-group`). It is relative to the group, so it does not enter
///   the overall score; `--best-per-group` and the preference-pair exports use it directly.
public enum CriterionKind: String, Sendable, CaseIterable {
    case scale, choice, flag, rank

    /// The most candidates one ranking orders: each is picked by its number key, 1–9.
    public static let maximumRanked = 9
}
