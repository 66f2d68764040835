// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Winnow",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "winnow", targets: ["winnow"]),
        .library(name: "WinnowCore", targets: ["WinnowCore"]),
        .library(name: "WinnowBench", targets: ["WinnowBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // SHA-256 for rubric content hashes and the input files named in export manifests.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // ncursesw: the C macros Swift cannot import are wrapped in shim.h.
        .systemLibrary(
            name: "CNcursesw",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncursesw5-dev"])]),
        // libjpeg-turbo and libpng, for the image preview.
        .systemLibrary(
            name: "CImageCodecs",
            providers: [.apt(["libjpeg-dev", "libpng-dev"])]),
        // Dense numerics for the reward model, compiled optimised even in debug builds: the tests' refits
        // spend nearly all their time here, and unoptimised they took most of the suite's half hour.
        .target(
            name: "WinnowMath",
            swiftSettings: [.unsafeFlags(["-O"])]),
        .target(
            name: "WinnowCore",
            dependencies: [
                "WinnowMath",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API GRDB is built on: the import binds its rows with it directly.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The benchmarks and the synthetic data they and `winnow simulate` run on: not the domain.
        .target(name: "WinnowBench", dependencies: ["WinnowCore"]),
        // The screens: pure functions from state to a grid of cells, and the app loop that drives them
        // through a `TerminalDevice`. It cannot call ncurses: it does not depend on it.
        .target(
            name: "WinnowTUI",
            dependencies: ["WinnowCore", "CImageCodecs"],
            exclude: ["Grid/generate-wide-table.py"]),
        // The one target that talks to the terminal (ncurses): paints grids, decodes keys.
        .target(
            name: "WinnowTerminal",
            dependencies: ["WinnowTUI", "CNcursesw"]),
        .executableTarget(
            name: "winnow",
            dependencies: [
                "WinnowCore", "WinnowBench", "WinnowTUI", "WinnowTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Helpers the test targets share (a sandboxed store, test rubrics, synthetic items); only tests use it.
        .target(
            name: "WinnowTestSupport",
            dependencies: ["WinnowCore", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/WinnowTestSupport"),
        .testTarget(name: "WinnowCoreTests", dependencies: ["WinnowCore", "WinnowMath", "WinnowTestSupport"]),
        .testTarget(name: "WinnowBenchTests", dependencies: ["WinnowBench", "WinnowCore", "WinnowTestSupport"]),
        .testTarget(
            name: "WinnowTUITests",
            dependencies: ["WinnowTUI", "WinnowCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "WinnowTerminalTests", dependencies: ["WinnowTerminal", "WinnowTUI", "CNcursesw"]),
        // Drives the built `winnow` binary (and tmux for the screens): end to end.
        .testTarget(name: "WinnowCLITests", dependencies: ["WinnowCore", "WinnowTestSupport"]),
    ]
)
