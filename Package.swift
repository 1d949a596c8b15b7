// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "BulkOps",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bulkops", targets: ["bulkops"]),
        .executable(name: "bulkops-engine-bench", targets: ["EngineBenchmark"]),
        .executable(name: "bulkops-bench", targets: ["BulkopsBench"]),
    ],
    targets: [
        .systemLibrary(name: "CLibCrypto", path: "Sources/CLibCrypto", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        .target(name: "Persistence", swiftSettings: strict),
        .target(name: "Transport", dependencies: ["CLibCrypto"], swiftSettings: strict),
        .target(name: "Orchestrator", dependencies: ["Persistence"], swiftSettings: strict),
        .target(name: "Jobs", dependencies: ["Orchestrator", "Persistence"], swiftSettings: strict),
        .target(name: "Server", dependencies: ["Jobs", "Orchestrator", "Persistence", "Transport", "CLibCrypto"],
                swiftSettings: strict),
        .executableTarget(name: "bulkops", dependencies: ["Server"], swiftSettings: strict),
        .executableTarget(name: "EngineBenchmark", dependencies: ["Jobs", "Orchestrator", "Persistence"],
                          path: "Benchmarks/EngineBenchmark", swiftSettings: strict),
        .executableTarget(name: "BulkopsBench", dependencies: ["Transport"], path: "Benchmarks/BulkopsBench",
                          swiftSettings: strict),
        .testTarget(name: "PersistenceTests", dependencies: ["Persistence"], swiftSettings: strict),
        .testTarget(name: "TransportTests", dependencies: ["Transport"], swiftSettings: strict),
        .testTarget(name: "OrchestratorTests", dependencies: ["Orchestrator", "Persistence"], swiftSettings: strict),
        .testTarget(name: "JobsTests", dependencies: ["Jobs", "Orchestrator", "Persistence"], swiftSettings: strict),
        .testTarget(name: "ServerTests", dependencies: ["Server", "Transport", "Jobs", "Orchestrator"],
                    exclude: ["Python"], swiftSettings: strict),
    ]
)
