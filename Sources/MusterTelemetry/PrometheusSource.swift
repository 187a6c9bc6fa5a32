public import Foundation

#if canImport(FoundationNetworking)
    public import FoundationNetworking
#endif

/// A `MetricSource` over the Prometheus HTTP API: one `GET /api/v1/query_range` per read.
///
/// The query is the raw selector `name{key="value",...}` (no `rate()`: counters come back as raw
/// samples, and `values(of:from:to:)` takes their rate, exactly as for `MetricStore`). The range is
/// narrowed to the step grid (`start` rounded up, `end` rounded down to a multiple of `step`), so when
/// the data was scraped or imported on that grid every point Prometheus returns is a stored sample
/// with its own timestamp. Off the grid, each point is the newest sample within Prometheus's lookback
/// window (5 minutes by default), stamped with the grid instant. A range of more than 11,000 steps
/// is read in several requests, one after the other.
public struct PrometheusSource: MetricSource {
    /// The server's root, e.g. `http://127.0.0.1:9090`; a path prefix (`.../prometheus`) is kept.
    public let baseURL: URL
    /// The resolution of range queries in seconds, positive; match the scrape (or import) interval.
    public let step: TimeInterval
    /// The session that sends the requests; its configuration sets timeouts and connection limits.
    public let session: URLSession

    public init(baseURL: URL, step: TimeInterval = 60, session: URLSession = .shared) {
        precondition(step > 0 && step.isFinite, "PrometheusSource step must be positive")
        self.baseURL = baseURL
        self.step = step
        self.session = session
    }

    /// Prometheus refuses range queries of more than 11,000 points per series; longer ranges are split.
    static let maximumPoints = 11_000

    public func series(
        named name: String, matching: [String: String], from: Date, to: Date
    ) async throws -> [TimeSeries] {
        let urls = try rangeQueryURLs(named: name, matching: matching, from: from, to: to)
        if urls.count == 1 { return try await fetch(name, from: urls[0]) }
        var merged: [MetricStore.LabelKey: TimeSeries] = [:]
        for url in urls {
            for series in try await fetch(name, from: url) {
                merged[MetricStore.LabelKey(series.labels), default: series.emptied].samples += series.samples
            }
        }
        return merged.sorted { $0.key < $1.key }.map(\.value)
    }

    /// One `query_range` request, decoded; every failure becomes a `TelemetryError` naming `url`.
    private func fetch(_ name: String, from url: URL) async throws(TelemetryError) -> [TimeSeries] {
        var request = URLRequest(url: url)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let body: Data
        let response: URLResponse
        do {
            (body, response) = try await session.data(for: request)
        } catch {
            throw TelemetryError(.transport, url: url, reason: error.localizedDescription)
        }
        guard let status = (response as? HTTPURLResponse)?.statusCode else {
            throw TelemetryError(.transport, url: url, reason: "not an HTTP response")
        }
        guard (200..<300).contains(status) else {
            let reason = PrometheusResponse.failureReason(in: body) ?? Self.excerpt(of: body)
            throw TelemetryError(.httpStatus, url: url, status: status, reason: reason)
        }
        return try PrometheusResponse.series(named: name, from: body, url: url, status: status)
    }

    /// The `query_range` URLs for the selector over `[from, to]` narrowed to the step grid, one per
    /// `maximumPoints` grid instants, in time order; empty when no grid instant falls in the range.
    func rangeQueryURLs(named name: String, matching: [String: String], from: Date, to: Date) throws(TelemetryError)
        -> [URL]
    {
        let selector = try PromQL.selector(name: name, matching: matching)
        let first = (from.timeIntervalSince1970 / step).rounded(.up)
        let last = (to.timeIntervalSince1970 / step).rounded(.down)
        var urls: [URL] = []
        var start = first
        while start <= last {
            let end = min(start + Double(Self.maximumPoints - 1), last)
            urls.append(try rangeQueryURL(selector, start: start * step, end: end * step))
            start = end + 1
        }
        return urls
    }

    private func rangeQueryURL(_ selector: String, start: Double, end: Double) throws(TelemetryError) -> URL {
        let query = [
            ("query", selector), ("start", Self.number(start)), ("end", Self.number(end)), ("step", Self.number(step)),
        ]
        .map { "\($0.0)=\(Self.percentEncoded($0.1))" }.joined(separator: "&")
        var components = URLComponents(
            url: baseURL.appendingPathComponent("api/v1/query_range"), resolvingAgainstBaseURL: false)
        components?.percentEncodedQuery = query
        guard let url = components?.url else {
            throw TelemetryError(.invalidQuery, url: baseURL, reason: "cannot build a query URL on this base URL")
        }
        return url
    }

    /// Whole seconds without a fraction (`1795194000`), others in shortest round-trip form.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// Everything but RFC 3986 unreserved characters percent-encoded, so `+`, `&`, `=` and `#` survive.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The start of a non-JSON error body (a proxy's HTML page, say), on one line.
    static func excerpt(of body: Data) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? "empty body" : text
    }
}

extension TimeSeries {
    /// The same name and labels without samples.
    fileprivate var emptied: TimeSeries { TimeSeries(name: name, labels: labels) }
}
