import ArgumentParser

/// `palaver`: the command-line entry point; parsing and wiring only.
@main
struct Palaver: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "palaver",
        abstract: "A terminal chat client for Anthropic's Claude Messages API.",
        discussion: """
        Keys come from ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN, sent as a Bearer token); \
        never pass a key as an argument. ANTHROPIC_BASE_URL or base_url in config.toml points \
        palaver at a gateway or at fake-anthropic.
        """,
        subcommands: [Ask.self, Models.self]
    )
}
