import ArgumentParser
import WinnowCore

/// `winnow embeddings import FILE`: dense vectors per item for the reward model.
struct EmbeddingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embeddings", abstract: "Bring in dense vectors per item for the reward model.",
        subcommands: [Import.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store one vector per item from a JSONL file ({\"item\": KEY, \"vector\": [numbers]} a line; all or nothing).",
            discussion: "The model appends the vectors to its features once every item has one (same dimension).")
        @OptionGroup var store: StoreOptions
        @Argument(help: ArgumentHelp("The vectors, one object a line.", valueName: "file.jsonl")) var file: String
        @Flag(help: "Print the summary as JSON.") var json = false

        func run() throws {
            let s = try Embeddings.importFile(path: file, store: store.open())
            if json {
                Output.json(.object(JSONObject([
                    "lines": .number(s.lines), "dimension": .number(s.dimension), "items_with_embedding": .number(s.itemsWithEmbedding),
                    "items": .number(s.items),
                ])))
            } else {
                Output.text("\(file): \(s.lines) vectors of dimension \(s.dimension); \(s.itemsWithEmbedding) of \(s.items) items have one"
                      + (s.itemsWithEmbedding == s.items ? " (the model uses them)" : " (the model uses them once every item has one)"))
            }
        }
    }
}
