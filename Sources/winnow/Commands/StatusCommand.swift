import ArgumentParser
import WinnowCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show how many items there are and how many are labeled, per annotator.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print {\"items\", \"groups\", \"labeled\", \"unlabeled\", \"annotators\"} as JSON.")
    var json = false

    func run() throws {
        let status = try Status.read(store.openExisting())
        if json {
            Output.json(status.json)
            return
        }
        print("database   \(store.path)")
        print("items      \(status.items) in \(status.groups) groups")
        print("labeled    \(status.labeled)")
        print("unlabeled  \(status.unlabeled)")
        if status.annotators.isEmpty {
            print("annotators none yet")
        } else {
            print("annotators")
            for (name, count) in status.annotators { print("  \(name)  \(count)") }
        }
    }
}
