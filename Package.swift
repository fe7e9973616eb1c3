// swift-tools-version: 6.1
import PackageDescription

/// One set of Swift settings for every target: Swift 6 language mode, strict concurrency, and
/// every module a file uses imported in that file (so Package.swift declares every dependency).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "palaver",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "palaver", targets: ["palaver"]),
        .executable(name: "fake-anthropic", targets: ["fake-anthropic"]),
        .library(name: "AnthropicAPI", targets: ["AnthropicAPI"]),
        .library(name: "FakeAnthropic", targets: ["FakeAnthropic"]),
        .library(name: "SessionStore", targets: ["SessionStore"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // Come with hummingbird; declared because FakeAnthropic imports their modules directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CNCursesW",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .systemLibrary(
            name: "CCmark",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(
            name: "Safety",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PlainJSON",
            dependencies: ["Safety"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AnthropicAPI",
            dependencies: ["CCurl", "Safety", "PlainJSON"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Credentials",
            dependencies: [
                "AnthropicAPI",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TerminalUI",
            dependencies: ["CNCursesW", "CCmark", "Safety", .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tui-smoke",
            dependencies: ["TerminalUI"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SessionStore",
            dependencies: ["Safety", "PlainJSON", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChatCore",
            dependencies: [
                "AnthropicAPI",
                "Credentials",
                "SessionStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Commands",
            dependencies: [
                "Safety",
                "AnthropicAPI",
                "Credentials",
                "SessionStore",
                "ChatCore",
                "ChatUI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ChatUI",
            dependencies: ["ChatCore", "TerminalUI"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FakeAnthropic",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fake-anthropic",
            dependencies: [
                "FakeAnthropic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PalaverFuzz",
            dependencies: [
                "AnthropicAPI", "Credentials", "SessionStore", "ChatCore", "ChatUI", "Commands", "TerminalUI",
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "palaver-fuzz",
            dependencies: ["PalaverFuzz"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "palaver",
            dependencies: [
                "Safety",
                "AnthropicAPI",
                "ChatCore",
                "Commands",
                "SessionStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["FakeAnthropic"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AnthropicAPITests",
            dependencies: ["AnthropicAPI", "FakeAnthropic", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SafetyTests",
            dependencies: ["Safety"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CredentialsTests",
            dependencies: ["Credentials", "AnthropicAPI", "FakeAnthropic", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SessionStoreTests",
            dependencies: [
                "SessionStore", "Safety", "PlainJSON", "TestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TerminalUITests",
            dependencies: ["TerminalUI", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatCoreTests",
            dependencies: ["ChatCore", "AnthropicAPI", "Credentials", "SessionStore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CommandsTests",
            dependencies: ["Commands", "ChatCore", "AnthropicAPI", "Safety", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatUITests",
            dependencies: [
                "ChatUI", "ChatCore", "TerminalUI", "AnthropicAPI", "Credentials", "SessionStore", "FakeAnthropic",
                "TestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FakeAnthropicTests",
            dependencies: ["FakeAnthropic", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PalaverCLITests",
            dependencies: ["FakeAnthropic", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CNCursesWTests",
            dependencies: ["CNCursesW"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FuzzTests",
            dependencies: ["PalaverFuzz", "ChatCore", "Commands", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
