import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class ModelTargetsTests: XCTestCase {
    private func label(_ item: Int64, _ who: String, _ role: LabelRole, _ values: [String: ScoreValue]) -> TargetLabel {
        TargetLabel(itemId: item, annotator: who, role: role, values: values)
    }

    func testGoldWinsOverConsensus() throws {
        let rubric = try TestRubric.rubric()
        let targets = Targets.compute(labels: [
            label(1, "a", .annotator, ["quality": .number(2), "hallucination": .flag(true)]),
            label(1, "b", .annotator, ["quality": .number(2), "hallucination": .flag(true)]),
            label(1, "lead", .gold, ["quality": .number(5)]),
        ], rubric: rubric)
        XCTAssertEqual(targets[1]?.criteria["quality"], .number(5), "gold over the annotators")
        XCTAssertEqual(targets[1]?.criteria["hallucination"], .flag(true), "no gold value: the annotators' consensus")
    }

    func testScalesTakeTheMeanFlagsAndChoicesTheMajorityAndATieGivesNothing() throws {
        let rubric = try TestRubric.rubric()
        let targets = Targets.compute(labels: [
            label(1, "a", .annotator, ["quality": .number(2), "hallucination": .flag(true), "tone": .choice("rude")]),
            label(1, "b", .annotator, ["quality": .number(3), "hallucination": .flag(true), "tone": .choice("rude")]),
            label(1, "c", .annotator, ["quality": .number(5), "hallucination": .flag(false), "tone": .choice("friendly")]),
            label(2, "a", .annotator, ["quality": .number(4), "hallucination": .flag(true), "tone": .choice("rude")]),
            label(2, "b", .annotator, ["quality": .number(4), "hallucination": .flag(false), "tone": .choice("neutral")]),
        ], rubric: rubric)
        XCTAssertEqual(targets[1]?.criteria["quality"], .number(10.0 / 3))
        XCTAssertEqual(targets[1]?.criteria["hallucination"], .flag(true))
        XCTAssertEqual(targets[1]?.criteria["tone"], .choice("rude"))
        XCTAssertEqual(targets[2]?.criteria["quality"], .number(4))
        XCTAssertNil(targets[2]?.criteria["hallucination"], "1–1 tie: no target")
        XCTAssertNil(targets[2]?.criteria["tone"], "1–1 tie: no target")
    }

    func testOverallFollowsTheRubricAndImportedScoresOnlyWhenAskedFor() throws {
        let rubric = try TestRubric.rubric()
        let one: [String: ScoreValue] = ["quality": .number(4), "hallucination": .flag(false)]
        let targets = Targets.compute(labels: [label(1, "a", .annotator, one)], rubric: rubric)
        XCTAssertEqual(try XCTUnwrap(targets[1]?.overall), try XCTUnwrap(rubric.overallScore(one)), accuracy: 1e-12)

        let imported = [label(3, "gpt", .imported, ["quality": .number(1)])]
        XCTAssertNil(Targets.compute(labels: imported, rubric: rubric)[3])
        XCTAssertEqual(Targets.compute(labels: imported, rubric: rubric, useImported: true)[3]?.criteria["quality"], .number(1))
        // An annotator's value beats an imported one.
        let both = imported + [label(3, "a", .annotator, ["quality": .number(5)])]
        XCTAssertEqual(Targets.compute(labels: both, rubric: rubric, useImported: true)[3]?.criteria["quality"], .number(5))
    }
}

final class ModelFeaturesTests: XCTestCase {
    private func item(_ response: String, captions: [String] = [], instruction: String = "What is in the image?") -> Item {
        Item(key: "k", group: "g", image: nil, captions: captions,
             turns: [Turn(from: .human, value: instruction), Turn(from: .gpt, value: response)],
             fields: JSONObject(), sourceName: "t", recordIndex: 0, original: Data())
    }

    func testTheHashIsStableFNV1a() {
        XCTAssertEqual(FNV1a.hash(""), 0xcbf2_9ce4_8422_2325)
        XCTAssertEqual(FNV1a.hash("a"), 0xaf63_dc4c_8601_ec8c)
    }

    func testFeaturesAreDeterministicAndRoundTripThroughTheBlob() throws {
        let a = FeatureExtractor.features(of: item("A red ball lies on the grass.\n- one\n- two", captions: ["A red ball on grass."]))
        let b = FeatureExtractor.features(of: item("A red ball lies on the grass.\n- one\n- two", captions: ["A red ball on grass."]))
        XCTAssertEqual(a, b)
        XCTAssertFalse(a.indices.isEmpty)
        XCTAssertEqual(a.indices, a.indices.sorted())
        XCTAssertEqual(FeatureVector(blob: a.blob, simhash: a.simhash), a)
        XCTAssertNil(FeatureVector(blob: a.blob.dropLast(3)))
        XCTAssertEqual(a[FeatureExtractor.denseIndex("response_list_items")!], Float(log1p(2.0)), accuracy: 1e-6)
        // A different text gives different features.
        XCTAssertNotEqual(a, FeatureExtractor.features(of: item("Something else entirely.")))
    }

    func testCharacterTrigramsCoverTextWithoutSpaces() {
        let chinese = FeatureExtractor.features(of: item("图中有一只猫坐在沙发上。", instruction: "图片里有什么？"))
        let other = FeatureExtractor.features(of: item("图中有一只狗站在草地上。", instruction: "图片里有什么？"))
        let hashed = { (v: FeatureVector) in Set(v.indices.filter { $0 < FeatureExtractor.hashBuckets }) }
        XCTAssertGreaterThan(hashed(chinese).count, 10)
        XCTAssertFalse(hashed(chinese).isEmpty)
        XCTAssertNotEqual(hashed(chinese), hashed(other))
        XCTAssertFalse(hashed(chinese).intersection(hashed(other)).isEmpty, "shared trigrams (图片里, 图中有) overlap")
    }

    func testCaptionGroundingFlagsObjectsNoCaptionMentions() {
        let captions = ["A dog sitting on a couch next to a window.", "A brown dog rests on a sofa."]
        let grounded = Grounding(response: "The brown dog is sitting on the couch by the window.", captions: captions)
        XCTAssertEqual(grounded.unsupportedObjects, 0)
        XCTAssertEqual(grounded.unsupportedNumbers, 0)
        XCTAssertGreaterThan(grounded.support, 0.8)

        let hallucinated = Grounding(response: "Two cats and a bicycle are beside the dog, under three lamps.", captions: captions)
        XCTAssertEqual(Set(hallucinated.unsupportedObjectNouns), ["cat", "bicycle", "lamp"])
        XCTAssertEqual(hallucinated.unsupportedNumbers, 2, "two, three")
        XCTAssertLessThan(hallucinated.support, grounded.support)

        let features = FeatureExtractor.features(of: item("Two cats and a bicycle are beside the dog.", captions: captions))
        XCTAssertGreaterThan(features[FeatureExtractor.denseIndex("unsupported_objects")!], 0)
        let clean = FeatureExtractor.features(of: item("The dog is sitting on the couch.", captions: captions))
        XCTAssertEqual(clean[FeatureExtractor.denseIndex("unsupported_objects")!], 0)
    }

    func testRepetitionShareCountsRepeatedWordTrigrams() {
        let words = FeatureExtractor.words("the cat sat the cat sat the cat sat")
        XCTAssertEqual(FeatureExtractor.repeatedShare(words), 4.0 / 7, accuracy: 1e-12)
        XCTAssertEqual(FeatureExtractor.repeatedShare(FeatureExtractor.words("a b c d e")), 0)
    }
}
