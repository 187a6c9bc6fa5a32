import Testing

@testable import MusterInvestigation

/// The calibration arithmetic: the map, the isotonic fit and the reliability table.
struct CalibrationTests {
    func samples(_ score: Double, right: Int, wrong: Int) -> [LabelledScore] {
        Array(repeating: LabelledScore(score: score, isCorrect: true), count: right)
            + Array(repeating: LabelledScore(score: score, isCorrect: false), count: wrong)
    }

    // MARK: - The map

    @Test(arguments: [
        (0.4, 0.3),  // halfway between the first two points
        (0.2, 0.1), (0.6, 0.5),  // on a point
        (0.7, 0.6),  // a third of the way to the last point
        (0.05, 0.1),  // flat below the first point
        (0.99, 0.8),  // flat above the last point
    ])
    func interpolatesBetweenItsPointsAndIsFlatBeyondThem(score: Double, probability: Double) {
        let map = CalibrationMap([(0.2, 0.1), (0.6, 0.5), (0.9, 0.8)])
        #expect(abs(map.probability(ofScore: score) - probability) < 1e-12)
    }

    @Test func withoutPointsTheScoreIsTheProbability() {
        #expect(CalibrationMap.identity.probability(ofScore: 0.37) == 0.37)
        #expect(CalibrationMap.identity.isIdentity)
    }

    @Test func aMapMustIncreaseAndStayWithinZeroAndOne() {
        func problem(_ pairs: [(Double, Double)]) -> String? {
            CalibrationMap.problem(in: pairs.map { CalibrationMap.Point(score: $0.0, probability: $0.1) }).map {
                "\($0.index): \($0.message)"
            }
        }
        #expect(problem([(0.1, 0.1), (0.5, 0.5), (0.9, 0.5)]) == nil)
        #expect(problem([(0.5, 0.1), (0.5, 0.2)]) == "1: score 0.5 does not increase (the previous point has 0.5)")
        #expect(
            problem([(0.2, 0.3), (0.6, 0.2)])
                == "1: probability 0.2 decreases (the previous point has 0.3); the map must be monotone")
        #expect(problem([(1.2, 0.3)]) == "0: score 1.2 is not within 0...1")
        #expect(problem([(0.2, -0.1)]) == "0: probability -0.1 is not within 0...1")
    }

    // MARK: - Pool adjacent violators

    @Test func poolingMergesTheViolatorsIntoTheirMean() {
        let fit = IsotonicFit(gridWidth: 0)
        let levels = fit.levels(
            samples(0.1, right: 1, wrong: 4) + samples(0.3, right: 4, wrong: 1) + samples(0.5, right: 2, wrong: 3)
                + samples(0.7, right: 9, wrong: 1))
        #expect(levels.map(\.rate) == [0.2, 0.8, 0.4, 0.9])
        let pooled = IsotonicFit.pooled(levels)
        #expect(pooled.map(\.weight) == [5, 10, 10])
        #expect(pooled.map(\.rate) == [0.2, 0.6, 0.9])
        #expect(abs(pooled[1].score - 0.4) < 1e-12)
    }

    @Test func poolingCascadesBackwards() {
        // 0.6, 0.9, 0.5, 0: the last two pull 0.9 down to 0.55, which then falls below 0.6: one level.
        let blocks = [
            IsotonicFit.Block(score: 0.1, correct: 3, weight: 5), IsotonicFit.Block(score: 0.2, correct: 9, weight: 10),
            IsotonicFit.Block(score: 0.3, correct: 2, weight: 4), IsotonicFit.Block(score: 0.4, correct: 0, weight: 6),
        ]
        let pooled = IsotonicFit.pooled(blocks)
        #expect(pooled.count == 1)
        #expect(pooled.map(\.weight) == [25])
        #expect(abs(pooled[0].rate - 14.0 / 25) < 1e-12)
        #expect(abs(pooled[0].score - (0.5 + 2 + 1.2 + 2.4) / 25) < 1e-12)
    }

    @Test func theFittedMapIsMonotoneAndNeverCertain() {
        // Deterministic, noisy: the chance of being right rises with the score, with local reversals.
        var samples: [LabelledScore] = []
        var state: UInt64 = 42
        for index in 0..<400 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let score = Double(index % 100) / 100
            let draw = Double(state >> 11) / Double(1 << 53)
            samples.append(LabelledScore(score: score, isCorrect: draw < score * score))
        }
        let map = IsotonicFit().map(samples)
        #expect(CalibrationMap.problem(in: map.points) == nil)
        #expect(map.points.count >= 2 && map.points.count <= 6)
        #expect(map.points.allSatisfy { $0.probability >= 0.02 && $0.probability <= 0.98 })
        let probabilities = stride(from: 0.0, through: 1.0, by: 0.01).map { map.probability(ofScore: $0) }
        #expect(zip(probabilities, probabilities.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(probabilities.first! < 0.2 && probabilities.last! > 0.6)
    }

    @Test func allWrongAndAllRightAreClampedAwayFromZeroAndOne() {
        let map = IsotonicFit(priorWeight: 0).map(samples(0.2, right: 0, wrong: 30) + samples(0.9, right: 30, wrong: 0))
        #expect(map.points.map(\.probability) == [0.02, 0.98])
        #expect(zip(map.points.map(\.score), [0.2, 0.9]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func thePriorPullsAThinBlockTowardsItsRawScore() {
        // 8 wrong at 0.5: alone they say 0; four pseudo-samples at 0.5 say 2 / 12.
        let map = IsotonicFit(floor: 0, ceiling: 1).map(samples(0.5, right: 0, wrong: 8))
        #expect(map.points.count == 1)
        #expect(abs(map.points[0].probability - 2.0 / 12) < 1e-12)
    }

    @Test func lightBlocksJoinANeighbourAndThePointsStayFew() {
        let data =
            samples(0.15, right: 0, wrong: 20) + samples(0.35, right: 1, wrong: 2) + samples(0.55, right: 10, wrong: 10)
            + samples(0.95, right: 19, wrong: 1)
        let fit = IsotonicFit(priorWeight: 0, floor: 0, ceiling: 1)
        let map = fit.map(data)
        // The three at 0.35 are lighter than 8: they join 0.55, whose rate (0.5) is closer than 0.15's (0).
        #expect(map.points.count == 3)
        #expect(abs(map.points[1].probability - 11.0 / 23) < 1e-12)
        let two = IsotonicFit(maximumPoints: 2, priorWeight: 0, floor: 0, ceiling: 1).map(data)
        #expect(two.points.count == 2)
        #expect(CalibrationMap.problem(in: two.points) == nil)
    }

    @Test func scoresInOneGridCellShareALevel() {
        let data = samples(0.94, right: 0, wrong: 10) + samples(0.95, right: 10, wrong: 0)
        #expect(IsotonicFit().levels(data).count == 1)
        #expect(IsotonicFit(gridWidth: 0).levels(data).count == 2)
    }

    @Test func aWeightCountsAsThatManySamples() {
        let data = [LabelledScore(score: 0.6, isCorrect: true), LabelledScore(score: 0.6, isCorrect: false)]
        let fit = IsotonicFit(minimumCount: 0, priorWeight: 0, floor: 0, ceiling: 1)
        #expect(fit.map(data, weights: [3, 1]).points.map(\.probability) == [0.75])
        #expect(fit.map(data).points.map(\.probability) == [0.5])
    }

    @Test func noSamplesFitTheIdentity() {
        #expect(IsotonicFit().map([]).isIdentity)
    }

    // MARK: - Reliability

    @Test func reliabilityECEAndBrierOfAHandMadeSet() {
        let table = ReliabilityTable(
            samples(0.15, right: 1, wrong: 1) + samples(0.85, right: 2, wrong: 1))
        #expect(table.count == 5)
        #expect(table.bins.count == 10)
        let low = table.bins[1]
        #expect(low.count == 2 && abs(low.meanConfidence - 0.15) < 1e-12 && low.accuracy == 0.5)
        let high = table.bins[8]
        #expect(high.count == 3 && abs(high.accuracy - 2.0 / 3) < 1e-12)
        #expect(table.bins.filter { $0.count > 0 }.count == 2)
        // 2/5 x |0.5 - 0.15| + 3/5 x |2/3 - 0.85| = 0.14 + 0.11
        #expect(abs(table.expectedCalibrationError - 0.25) < 1e-12)
        // (0.85² + 0.15² + 2 x 0.15² + 0.85²) / 5
        #expect(abs(table.brierScore - 0.3025) < 1e-12)
        #expect(table.accuracy == 0.6)
    }

    @Test func theEdgesFallInTheFirstAndLastBins() {
        let table = ReliabilityTable(
            [LabelledScore(score: 0, isCorrect: false), LabelledScore(score: 1, isCorrect: true)], binCount: 4)
        #expect(table.bins.map(\.count) == [1, 0, 0, 1])
        #expect(table.expectedCalibrationError == 0)
        #expect(table.brierScore == 0)
        #expect(ReliabilityTable([]).expectedCalibrationError == 0)
    }
}
