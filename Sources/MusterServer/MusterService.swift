public import Foundation
import MusterCorrelation
public import MusterInvestigation
public import MusterLake
public import MusterModel
public import MusterPipeline
import MusterSignals
public import MusterTelemetry
import Synchronization

/// The live service: durable intake, then the same pipeline as replay on the wall clock.
///
/// A delivery is validated and committed to the `IntakeStore` before it is acknowledged; the pipeline
/// works through committed rows in order (`drain`), so a crash between the two loses nothing.
public actor MusterService {
    public nonisolated let configuration: ServerConfiguration
    public nonisolated let lake: ContextLake
    public nonisolated let intake: IntakeStore
    public nonisolated let metrics: ServerMetrics
    let pipeline: TriagePipeline
    let clock: any InstantClock
    private var draining = false
    /// Rings whenever a delivery is committed; `run()` drains on each ring.
    private nonisolated let wakeUp: AsyncStream<Void>.Continuation
    private let rings: AsyncStream<Void>
    private var firstSeen: [IncidentID: Date] = [:]
    /// Deliveries decoded at intake, by intake row, so the pipeline does not parse a body twice. Bounded:
    /// past `handOffLimit` (the pipeline is far behind) rows are parsed again from the store.
    private nonisolated let handOff = Mutex<[Int64: Delivery]>([:])
    static let handOffLimit = 20_000
    /// How many pipeline events the service keeps in memory: it runs for months.
    static let logLimit = 10_000

    public init(
        configuration: ServerConfiguration, lake: ContextLake, intake: IntakeStore, metricSource: any MetricSource,
        playbook: Playbook = .standard, notifier: (any TriageNotifier)? = nil, metrics: ServerMetrics = ServerMetrics(),
        clock: any InstantClock = SystemInstantClock()
    ) {
        self.configuration = configuration
        self.lake = lake
        self.intake = intake
        self.metrics = metrics
        self.clock = clock
        (rings, wakeUp) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        var policy = CorrelationPolicy()
        if let threshold = configuration.joinThreshold { policy.joinThreshold = threshold }
        if let reopen = configuration.reopenWindow { policy.reopenWindow = reopen }
        policy.forgetResolvedAfter = 24 * 3600
        pipeline = TriagePipeline(
            lake: lake, metrics: metricSource, playbook: playbook, policy: policy, notifier: notifier,
            logLimit: Self.logLimit)
    }

    /// Validates and commits one delivery; the pipeline takes it after the acknowledgement.
    public func accept(_ source: AlertSource, body: Data, deliveryID: String?) async throws(IntakeError)
        -> IntakeReceipt
    {
        let outcome: Result<IntakeReceipt, IntakeError> = await withCheckedContinuation { continuation in
            accept(source, body: body, deliveryID: deliveryID) { continuation.resume(returning: $0) }
        }
        return try outcome.get()
    }

    /// `accept` without the actor and without waiting: decode, then commit through the group commit and ring the
    /// pipeline. The HTTP fast path calls it on a libmicrohttpd worker, so a delivery costs no task; `completion`
    /// runs once the delivery is committed (or refused), on this thread or on the one that led its commit.
    public nonisolated func accept(
        _ source: AlertSource, body: Data, deliveryID: String?,
        completion: @escaping @Sendable (Result<IntakeReceipt, IntakeError>) -> Void
    ) {
        let now = clock.now()
        let delivery: Delivery
        do {
            delivery = try SignalDecoder.decode(source, body: body, receivedAt: now)
        } catch {
            metrics.received(source: source.rawValue, outcome: "rejected")
            completion(.failure(IntakeError(status: 400, message: "\(error)")))
            return
        }
        intake.append(source: source.rawValue, deliveryID: deliveryID, body: body, receivedAt: now) { appended in
            switch appended {
            case .failure(let error):
                self.metrics.received(source: source.rawValue, outcome: "error")
                completion(.failure(IntakeError(status: 503, message: "could not store the delivery: \(error)")))
            case .success(let appended):
                self.metrics.received(source: source.rawValue, outcome: appended.isDuplicate ? "duplicate" : "accepted")
                if !appended.isDuplicate {
                    self.handOff.withLock { if $0.count < Self.handOffLimit { $0[appended.id] = delivery } }
                }
                self.wakeUp.yield()
                completion(
                    .success(
                        IntakeReceipt(
                            id: appended.id, alerts: delivery.alerts.count, isDuplicate: appended.isDuplicate,
                            ignored: delivery.ignored)))
            }
        }
    }

    /// Takes every committed, unprocessed delivery through the pipeline, oldest first.
    public func drain() async {
        guard !draining else { return }
        draining = true
        defer { draining = false }
        while let rows = try? await intake.pending(hasDelivery: { id in self.handOff.withLock { $0[id] != nil } }),
            !rows.isEmpty
        {
            let latest = rows.map(\.receivedAt).max() ?? clock.now()
            await pipeline.beginBatch()
            for row in rows { await take(row) }
            await pipeline.endBatch(at: latest)
            // Marked after the batch: a crash before this line replays the batch, and the pipeline's
            // delivery log and the outbox's idempotency keys make that harmless.
            if let last = rows.last {
                try? await intake.markProcessed(through: last.id)
                // A delivery handed off after its row was read (the commit's completion runs just after the
                // commit) was parsed from the body instead: drop it, or it would stay for good.
                handOff.withLock { handOff in
                    if handOff.keys.contains(where: { $0 <= last.id }) { handOff = handOff.filter { $0.key > last.id } }
                }
            }
            await noteTriageLatencies(since: rows.map(\.receivedAt).min() ?? latest)
        }
    }

    private func take(_ row: IntakeRow) async {
        guard let source = AlertSource(rawValue: row.source) else { return }
        let eventID = "intake-\(row.id)"
        // A row whose decoded delivery was not handed off is decoded again; it was validated at intake.
        guard
            let delivery = handOff.withLock({ $0.removeValue(forKey: row.id) })
                ?? (try? SignalDecoder.decode(source, body: row.body, receivedAt: row.receivedAt))
        else { return }
        await pipeline.receive(
            delivery, source: source, eventID: eventID, at: row.receivedAt, deliveryID: row.deliveryID)
    }

    /// Records, for each incident triaged for the first time, how long after its first delivery that was,
    /// and refreshes the open-incidents gauge.
    private func noteTriageLatencies(since received: Date) async {
        let now = clock.now()
        let summaries = await pipeline.summaries()
        for summary in summaries where firstSeen[summary.id] == nil && summary.triagedAt != nil {
            firstSeen[summary.id] = summary.openedAt
            metrics.observeTriageLatency(max(0, now.timeIntervalSince(min(received, summary.openedAt))))
        }
        metrics.setOpenIncidents(summaries.filter(\.isOpen).count)
    }

    /// Records a deploy, change, action or catalog upsert (`POST /v1/events`, GitHub deployments).
    public func record(_ input: HistoryInput) async throws {
        try await pipeline.record(input, at: clock.now())
    }

    /// Runs follow-ups (judging actions) that are due.
    public func tick() async {
        await pipeline.advance(to: clock.now())
        metrics.setOpenIncidents(await pipeline.summaries().filter(\.isOpen).count)
    }

    /// Incidents as the API shows them.
    public func incidents() async -> [IncidentOutput] {
        await pipeline.reports().map(IncidentOutput.init(report:))
    }

    /// The pipeline's timeline of one incident.
    public func timeline(of id: String) async -> [PipelineEvent] {
        await pipeline.reports().first { $0.id.description == id }?.log ?? []
    }

    /// Rebuilds pipeline state from the intake of the last day, then takes what was never processed.
    public func recover() async throws {
        let since = clock.now().addingTimeInterval(-24 * 3600)
        let processed = try await intake.rows(since: since).filter(\.isProcessed)
        // In batches, as they were taken: the outbox's idempotency keys then match what was already sent.
        var start = 0
        while start < processed.count {
            let rows = processed[start..<min(start + 500, processed.count)]
            await pipeline.beginBatch()
            for row in rows {
                guard let source = AlertSource(rawValue: row.source),
                    let payload = try? SignalDecoder.parseJSON(row.body)
                else { continue }
                _ = try? await pipeline.receive(
                    source, payload: payload, eventID: "intake-\(row.id)", at: row.receivedAt,
                    deliveryID: row.deliveryID)
            }
            await pipeline.endBatch(at: rows.map(\.receivedAt).max() ?? clock.now())
            start += 500
        }
        await drain()
    }

    /// Drains whenever a delivery is committed, and ticks follow-ups every few seconds, until cancelled.
    public func run() async {
        let stream = rings
        await drain()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in stream {
                    // Rings that arrive meanwhile collapse into one: under load a batch holds many deliveries.
                    try? await Task.sleep(for: self.configuration.batchDelay)
                    await self.drain()
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(5))
                    await self.tick()
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Stops the wake-up stream so `run()` returns after its current drain.
    public func stop() {
        wakeUp.finish()
    }
}

/// What intake answers for an accepted delivery.
public struct IntakeReceipt: Sendable, Encodable {
    public var id: Int64
    public var alerts: Int
    public var isDuplicate: Bool
    public var ignored: String?
}

/// A delivery that was not accepted, with the HTTP status to answer.
public struct IntakeError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var message: String
    public var description: String { message }
}
