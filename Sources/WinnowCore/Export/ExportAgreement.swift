extension Exporter {
    /// The manifest's agreement section: `winnow stats` per criterion over the current annotator
    /// labels (with its bootstrap intervals), so a subset's file says how reliable its grades were, with
    /// each annotator against the others and against gold (control items), marked when below config
    /// `control_min_agreement`.
    public static func agreementSection(store: Store, rubric: Rubric) throws -> JSONObject.Member {
        let labels = try LabelLog(store: store).agreementLabels(rubric: rubric)
        let report = AgreementReport.make(labels: labels, rubric: rubric, options: AgreementOptions(
            byAnnotator: true, controlMinAgreement: try Config(store: store).double(.controlMinAgreement)))
        let criteria = report.json.objectValue?["criteria"] ?? .object(JSONObject())
        return JSONObject.Member(key: "agreement", value: criteria)
    }
}
