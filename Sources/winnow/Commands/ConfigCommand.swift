import ArgumentParser
import WinnowCore

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Read and change the settings stored in the database.",
        subcommands: [Get.self, Set.self, List.self])

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one setting's value.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The key, e.g. lease_seconds.") var key: String

        func run() throws {
            Output.text(try Config(store: store.open()).get(key).value)
        }
    }

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change one setting (checked against its allowed range).")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The key, e.g. lease_seconds.") var key: String
        @Argument(help: "The new value.") var value: String

        func run() throws {
            let entry = try Config(store: store.open()).set(key, value)
            Output.text("\(entry.key.name) = \(entry.value)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every setting with its value, default and meaning.")
        @OptionGroup var store: StoreOptions
        @Flag(help: "Print a JSON object key → value.") var json = false

        func run() throws {
            let entries = try Config(store: store.open()).list()
            if json {
                Output.json(.object(JSONObject(entries.map { .init(key: $0.key.name, value: .string($0.value)) })))
                return
            }
            let width = entries.map(\.key.name.count).max() ?? 0
            for entry in entries {
                let name = entry.key.name.padding(toLength: width, withPad: " ", startingAt: 0)
                let value = entry.value.padding(toLength: 6, withPad: " ", startingAt: 0)
                let origin = entry.isDefault ? "(default)" : "(default \(entry.key.defaultValue))"
                Output.text("\(name)  \(value) \(origin.padding(toLength: 14, withPad: " ", startingAt: 0)) \(entry.key.help)")
            }
        }
    }
}
