/// Fits a coarse, monotone `CalibrationMap` to labelled scores by isotonic regression (pool adjacent violators).
///
/// With a few hundred labels an exact isotonic fit overfits: it jumps to 0 or 1 on a handful of samples and
/// tells 0.945 from 0.95. So the fit first pools scores into cells `gridWidth` wide, then runs pool adjacent
/// violators, merges blocks lighter than `minimumCount`, keeps at most `maximumPoints`, shrinks each block
/// towards its own raw score (`priorWeight` pseudo-samples: with little evidence the heuristic stands) and keeps
/// every probability within `floor...ceiling`. The points are the blocks' mean scores, joined by straight lines.
public struct IsotonicFit: Hashable, Sendable {
    /// A run of adjacent scores pooled into one level.
    public struct Block: Hashable, Sendable {
        /// The mean score of its samples.
        public var score: Double
        /// How many of its samples were right (a weight, so a prior can add fractions).
        public var correct: Double
        /// How many samples it holds.
        public var weight: Double

        public init(score: Double, correct: Double, weight: Double) {
            self.score = score
            self.correct = correct
            self.weight = weight
        }

        /// The share of its samples that were right.
        public var rate: Double { weight > 0 ? correct / weight : 0 }

        /// This block and `other` as one.
        func merged(with other: Block) -> Block {
            let weight = self.weight + other.weight
            return Block(
                score: (score * self.weight + other.score * other.weight) / weight, correct: correct + other.correct,
                weight: weight)
        }
    }

    /// Scores in one cell of this width share a level before pooling; 0 keeps every distinct score apart.
    public var gridWidth: Double
    /// A pooled block with fewer samples (total weight) than this joins its closer neighbour.
    public var minimumCount: Double
    /// The most points the map keeps.
    public var maximumPoints: Int
    /// Pseudo-samples at each block's own score: pulls a small block towards the raw score.
    public var priorWeight: Double
    /// No probability goes below this...
    public var floor: Double
    /// ...or above this.
    public var ceiling: Double

    public init(
        gridWidth: Double = 0.1, minimumCount: Double = 8, maximumPoints: Int = 6, priorWeight: Double = 4,
        floor: Double = 0.02, ceiling: Double = 0.98
    ) {
        precondition(gridWidth >= 0 && maximumPoints >= 1 && floor <= ceiling && priorWeight >= 0)
        self.gridWidth = gridWidth
        self.minimumCount = minimumCount
        self.maximumPoints = maximumPoints
        self.priorWeight = priorWeight
        self.floor = floor
        self.ceiling = ceiling
    }

    /// The map fitted to `samples`, each weighing `weights[i]` (1 when nil); the identity without samples.
    public func map(_ samples: [LabelledScore], weights: [Double]? = nil) -> CalibrationMap {
        var blocks = coarsened(Self.pooled(levels(samples, weights: weights)))
        blocks = blocks.map {
            Block(score: $0.score, correct: $0.correct + priorWeight * $0.score, weight: $0.weight + priorWeight)
        }
        blocks = Self.pooled(blocks)
        return CalibrationMap(
            points: blocks.map {
                CalibrationMap.Point(score: $0.score, probability: min(ceiling, max(floor, $0.rate)))
            })
    }

    /// One block per grid cell (per distinct score when `gridWidth` is 0), in increasing order: samples in one
    /// cell share a level.
    public func levels(_ samples: [LabelledScore], weights: [Double]? = nil) -> [Block] {
        precondition(
            weights.map { $0.count == samples.count && $0.allSatisfy { $0 > 0 } } ?? true,
            "one positive weight per sample")
        let cells = gridWidth > 0 ? Int((1 / gridWidth).rounded(.up)) : 0
        func cell(_ score: Double) -> Double {
            gridWidth > 0 ? Double(min(cells - 1, max(0, Int(score / gridWidth + 1e-9)))) : score
        }
        var blocks: [(cell: Double, block: Block)] = []
        let order = samples.indices.sorted { samples[$0].score < samples[$1].score }
        for index in order {
            let sample = samples[index]
            let weight = weights?[index] ?? 1
            let block = Block(score: sample.score, correct: sample.isCorrect ? weight : 0, weight: weight)
            if let last = blocks.last, last.cell == cell(sample.score) {
                blocks[blocks.count - 1].block = last.block.merged(with: block)
            } else {
                blocks.append((cell(sample.score), block))
            }
        }
        return blocks.map(\.block)
    }

    /// Pool adjacent violators: merges neighbours until the rates never decrease.
    public static func pooled(_ blocks: [Block]) -> [Block] {
        var stack: [Block] = []
        for block in blocks {
            stack.append(block)
            while stack.count >= 2, stack[stack.count - 2].rate > stack[stack.count - 1].rate {
                let top = stack.removeLast()
                stack[stack.count - 1] = stack[stack.count - 1].merged(with: top)
            }
        }
        return stack
    }

    /// Merges small blocks into their closer neighbour, then the closest pairs until `maximumPoints` remain.
    /// Merging neighbours of a monotone sequence keeps it monotone.
    func coarsened(_ blocks: [Block]) -> [Block] {
        var blocks = blocks
        while blocks.count > 1, let small = blocks.indices.min(by: { blocks[$0].weight < blocks[$1].weight }),
            blocks[small].weight < minimumCount
        {
            let left = small > 0 ? abs(blocks[small].rate - blocks[small - 1].rate) : .infinity
            let right = small < blocks.count - 1 ? abs(blocks[small + 1].rate - blocks[small].rate) : .infinity
            let partner = left <= right ? small - 1 : small + 1
            merge(&blocks, min(small, partner))
        }
        while blocks.count > maximumPoints {
            let closest = (0..<(blocks.count - 1)).min {
                blocks[$0 + 1].rate - blocks[$0].rate < blocks[$1 + 1].rate - blocks[$1].rate
            }
            merge(&blocks, closest ?? 0)
        }
        return blocks
    }

    private func merge(_ blocks: inout [Block], _ index: Int) {
        blocks[index] = blocks[index].merged(with: blocks[index + 1])
        blocks.remove(at: index + 1)
    }
}
