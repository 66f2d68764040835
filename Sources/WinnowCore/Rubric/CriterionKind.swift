/// What sort of answer a criterion takes.
///
/// - `scale`: ordered numbers (1–5, 0–4, …); the score is the position from the worse end.
/// - `choice`: one of several named options; counts towards the overall score only when the rubric
///   gives each option a score.
/// - `flag`: true or false, one of which is the good value.
public enum CriterionKind: String, Sendable, CaseIterable {
    case scale, choice, flag
}
