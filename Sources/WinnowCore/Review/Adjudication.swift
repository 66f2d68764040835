/// How gold labels are written: by a lead in `winnow review` (role `gold`, the lead's name, no source),
/// or accepted automatically when every annotator agreed (annotator `auto`, source `unanimous`). An
/// item has one gold label: a new one takes back the item's other gold labels in the same transaction.
public enum Adjudication {
    /// The source of a gold label accepted because every annotator agreed.
    public static let unanimousSource = "unanimous"
    /// The annotator name of automatically accepted gold.
    public static let automaticAnnotator = "auto"
}
