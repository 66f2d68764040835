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
        Output.text("database   \(store.path)")
        Output.text("items      \(status.items) in \(status.groups) groups")
        Output.text("labeled    \(status.labeled)")
        Output.text("unlabeled  \(status.unlabeled)")
        if status.annotators.isEmpty {
            Output.text("annotators none yet")
        } else {
            Output.text("annotators")
            for (name, count) in status.annotators { Output.text("  \(name)  \(count)") }
        }
    }
}
