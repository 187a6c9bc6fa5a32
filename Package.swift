// swift-tools-version: 6.2
import PackageDescription

/// Strict settings applied to every Swift target.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "muster",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "muster", targets: ["muster"])
    ],
    targets: [
        // C libraries, one system-library target each.
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CYAML", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CCrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),

        // Values shared by every module.
        .target(name: "MusterModel"),
        // Thin wrappers, the only importers of their C library.
        .target(name: "MusterStorage", dependencies: ["CSQLite", "CZlib"]),
        .target(name: "MusterYAML", dependencies: ["CYAML", "MusterModel"]),
        // The pipeline: lake and telemetry feed signals -> correlation -> investigation.
        .target(name: "MusterLake", dependencies: ["MusterModel", "MusterStorage", "MusterYAML"]),
        .target(name: "MusterTelemetry", dependencies: ["MusterModel"]),
        .target(name: "MusterSignals", dependencies: ["MusterModel", "CCrypto"]),
        .target(name: "MusterCorrelation", dependencies: ["MusterModel", "MusterLake"]),
        .target(
            name: "MusterInvestigation",
            dependencies: ["MusterModel", "MusterLake", "MusterTelemetry", "MusterYAML"]),
        .target(
            name: "MusterPipeline",
            dependencies: [
                "MusterModel", "MusterLake", "MusterTelemetry", "MusterSignals", "MusterCorrelation",
                "MusterInvestigation",
            ]),
        // The live server: HTTP on libmicrohttpd, notifications through an outbox, the service that joins them.
        .target(name: "MusterHTTP", dependencies: ["CMicroHTTPD"]),
        .target(
            name: "MusterNotify",
            dependencies: ["MusterModel", "MusterStorage", "MusterPipeline", "MusterInvestigation", "MusterSignals"]),
        .target(
            name: "MusterServer",
            dependencies: [
                "MusterModel", "MusterHTTP", "MusterNotify", "MusterPipeline", "MusterSignals", "MusterLake",
                "MusterTelemetry", "MusterStorage", "MusterYAML", "MusterInvestigation", "MusterCorrelation",
            ]),
        .target(
            name: "MusterReplay",
            dependencies: [
                "MusterModel", "MusterYAML", "MusterLake", "MusterTelemetry", "MusterSignals",
                "MusterCorrelation", "MusterInvestigation", "MusterPipeline",
            ]),
        .target(
            name: "MusterCLI",
            dependencies: [
                "MusterModel", "MusterStorage", "MusterLake", "MusterTelemetry", "MusterSignals", "MusterReplay", "MusterPipeline",
                "MusterInvestigation", "MusterCorrelation", "MusterYAML", "MusterServer", "MusterHTTP",
            ]),
        .executableTarget(name: "muster", dependencies: ["MusterCLI"]),

        .testTarget(name: "MusterModelTests", dependencies: ["MusterModel"]),
        .testTarget(name: "MusterStorageTests", dependencies: ["MusterStorage"]),
        .testTarget(name: "MusterYAMLTests", dependencies: ["MusterYAML"]),
        .testTarget(name: "MusterLakeTests", dependencies: ["MusterLake", "MusterModel", "MusterStorage"]),
        .testTarget(name: "MusterTelemetryTests", dependencies: ["MusterTelemetry", "MusterModel", "MusterTestSupport"]),
        .testTarget(name: "MusterSignalsTests", dependencies: ["MusterSignals", "MusterModel"]),
        .testTarget(
            name: "MusterCorrelationTests", dependencies: ["MusterCorrelation", "MusterLake", "MusterModel"]),
        .testTarget(
            name: "MusterInvestigationTests",
            dependencies: ["MusterInvestigation", "MusterLake", "MusterTelemetry", "MusterModel"]),
        .testTarget(
            name: "MusterPipelineTests",
            dependencies: ["MusterPipeline", "MusterLake", "MusterTelemetry", "MusterModel", "MusterInvestigation"]),
        .testTarget(name: "MusterReplayTests", dependencies: ["MusterReplay", "MusterModel", "MusterPipeline"]),
        // Loopback fakes of the services Muster calls (Slack, PagerDuty), shared by the test targets.
        .target(name: "MusterTestSupport", dependencies: ["MusterModel"], path: "Tests/MusterTestSupport"),
        .testTarget(name: "MusterHTTPTests", dependencies: ["MusterHTTP"]),
        .testTarget(
            name: "MusterNotifyTests",
            dependencies: [
                "MusterNotify", "MusterModel", "MusterStorage", "MusterPipeline", "MusterInvestigation", "MusterTestSupport",
            ]),
        .testTarget(
            name: "MusterServerTests",
            dependencies: [
                "MusterServer", "MusterHTTP", "MusterNotify", "MusterModel", "MusterSignals", "MusterLake", "MusterPipeline",
                "MusterTelemetry", "MusterReplay", "MusterStorage", "MusterTestSupport",
            ]),
        .testTarget(
            name: "MusterCLITests", dependencies: ["MusterCLI", "MusterLake", "MusterModel", "MusterCorrelation"]),
        .testTarget(
            name: "MusterIntegrationTests",
            dependencies: [
                "MusterReplay", "MusterTelemetry", "MusterInvestigation", "MusterLake", "MusterModel", "MusterPipeline",
                "MusterStorage", "MusterHTTP", "MusterServer", "MusterNotify", "MusterSignals", "MusterTestSupport",
            ]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
