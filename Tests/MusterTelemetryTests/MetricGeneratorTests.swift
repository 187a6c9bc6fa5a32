import Foundation
import Testing

@testable import MusterTelemetry

struct MetricGeneratorTests {
    /// Shaped like kafka-lag-storm.yaml: step 1m, from -3h to 2h.
    let spec = MetricsSpec(
        step: 60, from: minutes(-180), to: minutes(120),
        series: [
            SeriesSpec(
                name: "automation_runs_created_total", kind: .counter,
                labels: ["service": "automation-api", "org": "org-acme-prod"], noise: 0.05,
                segments: [
                    SegmentSpec(from: minutes(-180), rate: 2), SegmentSpec(from: minutes(0), rate: 105),
                    SegmentSpec(from: minutes(90), rate: 2),
                ]),
            SeriesSpec(
                name: "kafka_consumergroup_lag", kind: .gauge,
                labels: ["consumergroup": "actions-worker", "topic": "automation-runs"],
                segments: [
                    SegmentSpec(from: minutes(-180), value: 150),
                    SegmentSpec(from: minutes(2), value: 150, rampTo: 192_000),
                    SegmentSpec(from: minutes(15), value: 192_000),
                ]),
            SeriesSpec(
                name: "http_requests_errors_ratio", kind: .gauge, labels: ["service": "billing-api"], noise: 0.1,
                segments: [SegmentSpec(from: minutes(-180), value: 0.003), SegmentSpec(from: minutes(27), value: 0.41)]),
        ])

    @Test func samplesEveryStepInclusive() {
        let samples = MetricGenerator.samples(for: spec.series[1], in: spec)
        #expect(samples.count == 301)
        #expect(samples.first?.time == minutes(-180) && samples.last?.time == minutes(120))
    }

    @Test func counterIsMonotonicWithSegmentRates() {
        let samples = MetricGenerator.samples(for: spec.series[0], in: spec)
        #expect(samples.first?.value == 0)
        #expect(zip(samples, samples.dropFirst()).allSatisfy { $0.value <= $1.value })
        let rates = SeriesMath.rate(samples)
        let before = SeriesMath.mean(rates.window(from: minutes(-170), to: minutes(0)).map(\.value)) ?? 0
        let during = SeriesMath.mean(rates.window(from: minutes(1), to: minutes(90)).map(\.value)) ?? 0
        #expect(abs(before - 2) < 0.1)
        #expect(abs(during - 105) < 105 * 0.02)
        #expect(rates.allSatisfy { $0.value >= 0 })
    }

    @Test func counterIntegratesRateAcrossUnalignedBoundary() {
        let unaligned = MetricsSpec(
            step: 60, from: minutes(0), to: minutes(2),
            series: [
                SeriesSpec(
                    name: "c_total", kind: .counter,
                    segments: [
                        SegmentSpec(from: minutes(0), rate: 1), SegmentSpec(from: minutes(1.5), rate: 3),
                    ])
            ])
        let values = MetricGenerator.samples(for: unaligned.series[0], in: unaligned).map(\.value)
        #expect(values == [0, 60, 60 + 30 + 90])
    }

    @Test func gaugeRampHitsEndpoints() {
        let samples = MetricGenerator.samples(for: spec.series[1], in: spec)
        #expect(samples.value(at: minutes(2)) == 150)
        #expect(samples.value(at: minutes(15)) == 192_000)
        let halfway = samples.value(at: minutes(8.5)) ?? 0
        #expect(abs(halfway - (150 + (192_000 - 150) * 6.0 / 13)) < 1e-6)
        #expect(samples.value(at: minutes(0)) == 150)
    }

    @Test func gaugeNoiseIsBounded() {
        let samples = MetricGenerator.samples(for: spec.series[2], in: spec)
        for sample in samples {
            let nominal = sample.time < minutes(27) ? 0.003 : 0.41
            #expect(abs(sample.value / nominal - 1) <= 0.1 + 1e-12)
        }
        #expect(Set(samples.prefix(100).map(\.value)).count > 50, "noise actually varies")
    }

    @Test func generationIsDeterministic() {
        let first = MetricStore()
        let second = MetricStore()
        MetricGenerator.generate(spec, into: first)
        MetricGenerator.generate(spec, into: second)
        #expect(OpenMetricsExport.render(first) == OpenMetricsExport.render(second))
        #expect(first.sampleCount == 903)
    }

    @Test func seriesStartsAtItsFirstSegment() {
        let late = SeriesSpec(name: "g", kind: .gauge, segments: [SegmentSpec(from: minutes(0), value: 1)])
        let samples = MetricGenerator.samples(for: late, in: spec)
        #expect(samples.first?.time == minutes(0) && samples.count == 121)
    }
}

struct OpenMetricsExportTests {
    @Test func rendersFamiliesWithTimestampsInSeconds() {
        let store = MetricStore()
        store.append("runs_total", labels: ["org": "a\"b"], time: origin, value: 3, kind: .counter)
        store.append("lag", labels: ["group": "x"], time: origin.addingTimeInterval(60), value: 0.5, kind: .gauge)
        store.append("raw", time: origin, value: 1)
        let text = OpenMetricsExport.render(store)
        #expect(
            text == """
                # TYPE lag gauge
                lag{group="x"} 0.5 1800000060
                # TYPE raw unknown
                raw 1 1800000000
                # TYPE runs counter
                runs_total{org="a\\"b"} 3 1800000000
                # EOF

                """)
    }
}
