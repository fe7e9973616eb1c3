// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so `swift build` / `swift test` of palaver never build
// the benchmark harness. Run from this folder: swift package --disable-sandbox benchmark
let package = Package(
    name: "palaver-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "palaver", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "StreamDecoding",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AnthropicAPI", package: "palaver"),
            ],
            path: "Benchmarks/StreamDecoding",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SessionStoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "AnthropicAPI", package: "palaver"),
                .product(name: "SessionStore", package: "palaver"),
            ],
            path: "Benchmarks/SessionStore",
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "MarkdownBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "TerminalUI", package: "palaver"),
            ],
            path: "Benchmarks/Markdown",
            swiftSettings: [.swiftLanguageMode(.v6), .enableUpcomingFeature("ExistentialAny")],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
