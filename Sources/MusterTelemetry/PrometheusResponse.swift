internal import Foundation

/// The JSON envelope of the Prometheus HTTP API (`/api/v1/...`), as far as a range query needs it.
struct PrometheusResponse: Decodable {
    var status: String
    var data: Payload?
    var errorType: String?
    var error: String?

    /// `data`: the result type and, for a matrix, its series; other result types are not decoded.
    struct Payload: Decodable {
        var resultType: String
        var matrix: [MatrixSeries]?

        enum CodingKeys: String, CodingKey { case resultType, result }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            resultType = try container.decode(String.self, forKey: .resultType)
            matrix = resultType == "matrix" ? try container.decode([MatrixSeries].self, forKey: .result) : nil
        }
    }

    /// One series of a matrix: its labels (with `__name__`) and `[unix seconds, "value"]` pairs.
    struct MatrixSeries: Decodable {
        var metric: [String: String]
        var values: [Point]?
    }

    /// `[1795194000, "42.5"]`: a float timestamp in seconds and the value as a string.
    struct Point: Decodable {
        var time: Double
        var value: Double

        init(from decoder: any Decoder) throws {
            var container = try decoder.unkeyedContainer()
            time = try container.decode(Double.self)
            let text = try container.decode(String.self)
            guard let value = Self.number(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "sample value \"\(text)\" is not a number")
            }
            self.value = value
        }

        /// Go's float spellings: decimal or exponent form, `NaN`, `+Inf`, `-Inf`.
        static func number(_ text: String) -> Double? {
            switch text {
            case "NaN": .nan
            case "+Inf", "Inf": .infinity
            case "-Inf": -.infinity
            default: Double(text)
            }
        }
    }

    /// The `errorType: error` text of an error envelope, or nil when `body` is not one.
    static func failureReason(in body: Data) -> String? {
        guard let response = try? JSONDecoder().decode(Self.self, from: body), response.status == "error" else {
            return nil
        }
        return [response.errorType, response.error].compactMap { $0 }.joined(separator: ": ")
    }

    /// The series of a successful matrix response named `name`: `__name__` stripped, empty series left out,
    /// sorted by labels as `MetricStore` sorts them.
    static func series(named name: String, from body: Data, url: URL, status: Int) throws(TelemetryError)
        -> [TimeSeries]
    {
        let response: Self
        do {
            response = try JSONDecoder().decode(Self.self, from: body)
        } catch {
            throw TelemetryError(
                .malformedResponse, url: url, status: status, reason: "malformed response: \(describe(error))")
        }
        guard response.status == "success" else {
            let reason = [response.errorType, response.error].compactMap { $0 }.joined(separator: ": ")
            throw TelemetryError(
                .queryFailed, url: url, status: status,
                reason: reason.isEmpty ? "status \"\(response.status)\"" : reason)
        }
        guard let data = response.data else {
            throw TelemetryError(.malformedResponse, url: url, status: status, reason: "malformed response: no data")
        }
        guard let matrix = data.matrix else {
            throw TelemetryError(
                .malformedResponse, url: url, status: status,
                reason: "malformed response: expected a matrix, got \"\(data.resultType)\"")
        }
        return matrix.compactMap { item -> TimeSeries? in
            guard let values = item.values, !values.isEmpty else { return nil }
            var labels = item.metric
            labels["__name__"] = nil
            let samples = values.map { Sample(time: Date(timeIntervalSince1970: $0.time), value: $0.value) }
            return TimeSeries(name: name, labels: labels, samples: samples)
        }
        .sorted { MetricStore.LabelKey($0.labels) < MetricStore.LabelKey($1.labels) }
    }

    /// A decoding error as one line: what is wrong and where (the coding path).
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            let detail = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            let message = [context.debugDescription, detail].compactMap { $0 }.joined(separator: ": ")
            return path.isEmpty ? message : "at \(path.joined(separator: ".")): \(message)"
        @unknown default:
            return "\(error)"
        }
    }
}
