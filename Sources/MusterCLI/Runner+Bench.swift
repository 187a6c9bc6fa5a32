import Foundation
import MusterCorrelation
import MusterLake
import MusterModel
import MusterPipeline
import MusterReplay

extension Runner {
    /// Measures replay, lake and correlation speed and prints each result beside its target.
    ///
    /// With no paths, replays every `*.yaml` in `../shared/scenarios` and `./scenarios`. `only` limits the run
    /// to some sections (empty: all). Exit 0 even when a target is missed (the table says so); 1 when a
    /// scenario does not load.
    func bench(scenarios: [String], only: Set<BenchSection> = []) async throws -> Int32 {
        func wanted(_ section: BenchSection) -> Bool { only.isEmpty || only.contains(section) }
        #if DEBUG
            output("muster bench: DEBUG build; numbers are not meaningful (use swift build -c release)")
        #endif
        output(BenchTable.header)
        let paths = scenarios.isEmpty ? Self.defaultScenarioPaths() : scenarios
        let replayOK = wanted(.replay) ? try await benchReplay(paths) : true
        if wanted(.lake) { try benchLake() }
        if wanted(.storm) { benchStorm() }
        if wanted(.intake) {
            output(BenchTable.section("intake over HTTP, durable commit, beside a real Alertmanager"))
            for row in DecodeBench.rows() { output(BenchTable.row(row)) }
            do {
                for line in try await IntakeBench.run() { output(line) }
            } catch {
                output("intake bench skipped: \(error)")
            }
        }
        let petshop = URL(fileURLWithPath: "../shared/data/petshop/dataset")
        if wanted(.calibration) { try await benchCalibration(paths, petshop: petshop) }
        guard wanted(.petshop) else { return replayOK ? 0 : 1 }
        if FileManager.default.fileExists(atPath: petshop.path) {
            output(BenchTable.section("PetShop root-cause benchmark (Hardt et al., CLeaR 2024; CC-BY-4.0)"))
            output(try await PetShopBench.run(datasetRoot: petshop))
        } else {
            output("PetShop dataset not found at \(petshop.path): skipped")
        }
        return replayOK ? 0 : 1
    }

    static func defaultScenarioPaths() -> [String] {
        let manager = FileManager.default
        var paths: [String] = []
        for folder in ["../shared/scenarios", "scenarios"] {
            let files = (try? manager.contentsOfDirectory(atPath: folder)) ?? []
            paths += files.filter { $0.hasSuffix(".yaml") }.sorted().map {
                (folder as NSString).appendingPathComponent($0)
            }
        }
        return paths
    }

    // MARK: - Replay

    private func benchReplay(_ paths: [String]) async throws -> Bool {
        output(BenchTable.section("scenario replay (load + run, median of 5)"))
        if paths.isEmpty { output(BenchTable.row(BenchRow("no scenarios found", "-"))) }
        var allLoaded = true
        let clock = ContinuousClock()
        for path in paths {
            var times: [Double] = []
            var passed = false
            do {
                for _ in 0..<5 {
                    let started = clock.now
                    let result = try await ReplayDriver().run(try ScenarioLoader.load(path: path))
                    times.append(BenchStats.seconds(clock.now - started))
                    passed = result.passed
                }
            } catch {
                errors("muster: \(error)")
                allLoaded = false
                continue
            }
            let median = BenchStats.median(times)
            let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            output(
                BenchTable.row(
                    BenchRow(
                        "replay \(name) [\(passed ? "pass" : "FAIL")]", "\(BenchStats.format(median * 1000)) ms",
                        target: "< 1 s, pass", isMet: median < 1 && passed)))
        }
        return allLoaded
    }

    // MARK: - Lake

    private func benchLake() throws {
        output(BenchTable.section("context lake: 100,000 entities / 300,000 relations in SQLite"))
        BenchStats.resetPeak()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("muster-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("lake.db").path
        let clock = ContinuousClock()

        let catalog = BenchCatalog(size: 100_000)
        output(
            BenchTable.row(
                BenchRow(
                    "generated catalog",
                    "\(BenchStats.grouped(catalog.entities.count)) ent, \(BenchStats.grouped(catalog.relationCount)) rel"
                )))
        let lake = try ContextLake.open(path: path)
        let importTime = try clock.measure { try lake.upsert(catalog.entities, at: Date()) }
        let rate = Double(catalog.entities.count) / BenchStats.seconds(importTime)
        output(
            BenchTable.row(
                BenchRow(
                    "import into SQLite + memory", "\(BenchStats.format(rate, digits: 0)) entities/s",
                    target: "", isMet: nil)))
        output(
            BenchTable.row(
                BenchRow("import wall time", "\(BenchStats.format(BenchStats.seconds(importTime), digits: 2)) s")))

        let samples = catalog.sample(200)
        let store = try SQLiteLakeStore(path: path)
        var indexTimes: [Double] = []
        var pathTimes: [Double] = []
        var cteTimes: [Double] = []
        var mismatches = 0
        var hitCount = 0
        for ref in samples {
            // Like with like: (ref, distance) from the index against (ref, distance) from the CTE.
            // Each query runs once unmeasured first, so neither pays for the other's cold caches.
            _ = lake.dependentRefs(of: ref, depth: nil)
            _ = lake.dependents(of: ref, depth: nil)
            _ = try store.dependentsViaCTE(of: ref, depth: nil)
            var hits: [(ref: EntityRef, distance: Int)] = []
            indexTimes.append(BenchStats.microseconds(clock.measure { hits = lake.dependentRefs(of: ref, depth: nil) }))
            var withPaths: [GraphHit] = []
            pathTimes.append(
                BenchStats.microseconds(clock.measure { withPaths = lake.dependents(of: ref, depth: nil) }))
            if withPaths.count != hits.count { mismatches += 1 }
            var rows: [(ref: EntityRef, distance: Int)] = []
            cteTimes.append(
                BenchStats.microseconds(try clock.measure { rows = try store.dependentsViaCTE(of: ref, depth: nil) }))
            hitCount += hits.count
            if Set(hits.map(\.ref)) != Set(rows.map(\.ref)) { mismatches += 1 }
        }
        let indexMedian = BenchStats.median(indexTimes)
        let cteMedian = BenchStats.median(cteTimes)
        let speedUp = cteMedian / max(indexMedian, 0.001)
        let average = Double(hitCount) / Double(max(1, samples.count))
        output(
            BenchTable.row(
                BenchRow(
                    "dependents of \(samples.count) refs (avg \(BenchStats.format(average)) hits)",
                    mismatches == 0 ? "index = CTE answers" : "\(mismatches) answers differ", target: "same answers",
                    isMet: mismatches == 0)))
        output(
            BenchTable.row(
                BenchRow(
                    "  in-memory index median / p99",
                    "\(BenchStats.format(indexMedian)) / \(BenchStats.format(BenchStats.percentile(indexTimes, 99))) µs"
                )))
        output(
            BenchTable.row(
                BenchRow(
                    "  in-memory index with paths median / p99",
                    "\(BenchStats.format(BenchStats.median(pathTimes))) / \(BenchStats.format(BenchStats.percentile(pathTimes, 99))) µs"
                )))
        output(
            BenchTable.row(
                BenchRow(
                    "  SQLite recursive CTE median / p99",
                    "\(BenchStats.format(cteMedian)) / \(BenchStats.format(BenchStats.percentile(cteTimes, 99))) µs")))
        output(
            BenchTable.row(
                BenchRow(
                    "  speed-up (median CTE / median index)", "\(BenchStats.format(speedUp))x", target: ">= 10x",
                    isMet: speedUp >= 10)))
        let tailSpeedUp = BenchStats.percentile(cteTimes, 99) / max(BenchStats.percentile(indexTimes, 99), 0.001)
        output(
            BenchTable.row(BenchRow("  speed-up at p99 (slowest 1%, most hits)", "\(BenchStats.format(tailSpeedUp))x")))
        output(memoryRow("peak memory (VmHWM) with 100k catalog", limit: 300))
    }

    private func memoryRow(_ measure: String, limit: Double) -> String {
        guard let peak = BenchStats.peakMegabytes() else { return BenchTable.row(BenchRow(measure, "unavailable")) }
        return BenchTable.row(
            BenchRow(
                measure, "\(BenchStats.format(peak)) MB", target: "< \(Int(limit)) MB", isMet: peak < limit))
    }

    // MARK: - Correlation storm

    private func benchStorm() {
        output(BenchTable.section("correlation storm: 5,000 services, 300 teams, 100,000 alerts (no metrics)"))
        BenchStats.resetPeak()
        let storm = AlertStorm()
        let lake = ContextLake.inMemory()
        do {
            try lake.upsert(storm.catalog, at: AlertStorm.start.addingTimeInterval(-3600))
        } catch {
            errors("muster: cannot load the storm catalog: \(error)")
            return
        }
        output(
            BenchTable.row(
                BenchRow(
                    "generated storm",
                    "\(BenchStats.grouped(storm.catalog.count)) ent, \(BenchStats.grouped(storm.arrivals.count)) alerts"
                )))
        var policy = CorrelationPolicy()
        policy.forgetResolvedAfter = 30 * 60  // as a server runs: memory follows open incidents
        var correlator = Correlator(lake: lake, policy: policy)
        var assigned: [String: IncidentID] = [:]
        var mergedInto: [IncidentID: IncidentID] = [:]
        let clock = ContinuousClock()
        let budget = Duration.seconds(60)
        var latencies: [Double] = []
        latencies.reserveCapacity(storm.arrivals.count)
        let started = clock.now
        for arrival in storm.arrivals {
            let before = clock.now
            let decision = correlator.ingest(arrival)
            let after = clock.now
            if assigned[arrival.alert.dedupKey] == nil { assigned[arrival.alert.dedupKey] = decision.incident }
            for merged in decision.merged { mergedInto[merged] = decision.incident }
            latencies.append(BenchStats.microseconds(after - before))
            if after - started > budget { break }
        }
        let elapsed = BenchStats.seconds(clock.now - started)
        let finished = latencies.count == storm.arrivals.count
        let rate = Double(latencies.count) / elapsed
        output(
            BenchTable.row(
                BenchRow(
                    "alerts ingested",
                    "\(BenchStats.grouped(latencies.count)) in \(BenchStats.format(elapsed, digits: 2)) s",
                    target: "all within 60 s", isMet: finished)))
        if !finished {
            output(
                "  NOTE: the correlator did not finish the storm within 60 s; the rates below are for the first "
                    + "\(BenchStats.grouped(latencies.count)) alerts only.")
        }
        output(
            BenchTable.row(
                BenchRow(
                    "  throughput", "\(BenchStats.format(rate, digits: 0)) alerts/s", target: ">= 20,000/s",
                    isMet: rate >= 20_000)))
        let p50 = BenchStats.percentile(latencies, 50)
        let p99 = BenchStats.percentile(latencies, 99)
        output(BenchTable.row(BenchRow("  per-alert latency p50", "\(BenchStats.format(p50)) µs")))
        output(
            BenchTable.row(
                BenchRow(
                    "  per-alert latency p99", "\(BenchStats.format(p99)) µs", target: "< 1,000 µs", isMet: p99 < 1_000)
            ))
        output(
            BenchTable.row(
                BenchRow(
                    "  incidents kept at the end (open or recently resolved)",
                    BenchStats.grouped(correlator.visibleIncidents.count))))
        let grouping = wholeIncidents(storm, assigned: assigned, mergedInto: mergedInto)
        output(
            BenchTable.row(
                BenchRow(
                    "  real incidents kept in one incident", "\(grouping.whole) of \(grouping.reached) reached")))
        output(memoryRow("  peak memory (VmHWM) during storm", limit: 300))
    }

    /// Of the real incidents the correlator reached, how many had all their ingested alerts end in one incident.
    private func wholeIncidents(
        _ storm: AlertStorm, assigned: [String: IncidentID], mergedInto: [IncidentID: IncidentID]
    ) -> (whole: Int, reached: Int) {
        var result = (whole: 0, reached: 0)
        for incident in storm.incidents {
            var ids: Set<IncidentID> = []
            for key in incident.keys {
                guard var id = assigned[key] else { continue }
                while let target = mergedInto[id] { id = target }
                ids.insert(id)
            }
            if !ids.isEmpty { result.reached += 1 }
            if ids.count == 1 { result.whole += 1 }
        }
        return result
    }
}
