/// The level of measurement of a criterion's values, which decides what statistics (agreement
/// coefficients, averages) are meaningful for it.
///
/// Choices and flags are always `nominal`; a scale is `ordinal` (order only) unless the rubric says
/// its steps are equal (`interval`).
public enum MeasurementLevel: String, Sendable, CaseIterable {
    case nominal, ordinal, interval
}
