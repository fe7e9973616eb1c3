import Credentials
import Testing

/// Where a key came from reads as words after the masked key: never "from entered this session".
@Suite struct KeySourceWordingTests {
    @Test(arguments: [
        (KeySource.session, "entered in this session"),
        (KeySource.environment("ANTHROPIC_API_KEY"), "from ANTHROPIC_API_KEY"),
        (KeySource.environment("ANTHROPIC_AUTH_TOKEN"), "from ANTHROPIC_AUTH_TOKEN"),
        (KeySource.helper, "from api_key_helper"),
        (KeySource.credentialsFile("/home/u/.config/palaver/credentials.toml"), "from the credentials file"),
    ])
    func originReadsAsWords(_ source: KeySource, _ origin: String) {
        #expect(source.origin == origin)
        #expect(!source.origin.contains("from entered"))
    }
}
