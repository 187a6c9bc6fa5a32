import Testing

@testable import MusterInvestigation

/// A source is behind a spike only when it grew out of proportion to the rest.
struct SourceGrowthTests {
    @Test("everyone x2.6 (retries): the biggest source is not a spike")
    func proportionalGrowthIsNoSource() {
        let growth = SourceGrowth(before: 70, after: 182, restBefore: 30, restAfter: 78)
        #expect(!growth.isOutOfProportion(factor: 2))
    }

    @Test("one source x50, the rest flat: out of proportion")
    func oneSourceSpike() {
        let growth = SourceGrowth(before: 2, after: 100, restBefore: 40, restAfter: 41)
        #expect(growth.isOutOfProportion(factor: 2))
    }

    @Test("the rest dropped: the source must still grow by the factor itself")
    func restDropped() {
        #expect(!SourceGrowth(before: 10, after: 15, restBefore: 40, restAfter: 10).isOutOfProportion(factor: 2))
        #expect(SourceGrowth(before: 10, after: 25, restBefore: 40, restAfter: 10).isOutOfProportion(factor: 2))
    }

    @Test("no rest to compare with, or a source silent before: out of proportion")
    func nothingToCompare() {
        #expect(SourceGrowth(before: 10, after: 30, restBefore: 0, restAfter: 0).isOutOfProportion(factor: 2))
        #expect(SourceGrowth(before: 0, after: 30, restBefore: 50, restAfter: 60).isOutOfProportion(factor: 2))
    }
}
