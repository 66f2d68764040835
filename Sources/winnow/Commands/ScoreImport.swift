import WinnowCore

/// Builds `import --scores-as`: the rubric is loaded and the criterion checked before any file is read.
enum ScoreImport {
    struct UnknownCriterion: Error, CustomStringConvertible {
        var criterion: String
        var rubric: Rubric
        var description: String {
            "--scores-criterion: no criterion '\(criterion)' in rubric \(rubric.name) (criteria: \(rubric.criteria.map(\.id).joined(separator: ", ")))"
        }
    }

    static func labels(source: String, criterion id: String, rubricPath: String) throws -> Importer.ScoreLabels {
        let rubric = try Rubric.load(path: rubricPath)
        guard let criterion = rubric.criterion(id) else { throw UnknownCriterion(criterion: id, rubric: rubric) }
        let allowed = "allowed: \(criterion.values.map { $0.json.serialized() }.joined(separator: ", "))"
        return Importer.ScoreLabels(source: source, criterion: id, rubric: StoredRubric(rubric)) { value in
            if let v = criterion.value(from: value) { return .success((v.json, false)) }
            // Released scores are often averages (3.5 on a 1–5 scale): within the scale's range they are
            // rounded to the nearest value, ties upward, and the summary counts them.
            guard criterion.kind == .scale, let x = value.doubleValue,
                  let low = criterion.values.first?.numberValue, let high = criterion.values.last?.numberValue, x >= low, x <= high
            else { return .failure(RubricValueProblem(allowed)) }
            // Distances on a decimal grid are binary fractions a hair apart (0.95 is nearer 0.9 than 1.0 in
            // binary), so distances within a relative 1e-9 are a tie, and ties go up.
            let tolerance = 1e-9 * max(1, abs(x))
            let nearest = criterion.values.min { a, b in
                let da = abs((a.numberValue ?? 0) - x), db = abs((b.numberValue ?? 0) - x)
                if abs(da - db) <= tolerance { return (a.numberValue ?? 0) > (b.numberValue ?? 0) }
                return da < db
            }!
            return .success((nearest.json, true))
        }
    }
}
