import ChatCore
import Commands

/// The config reader (Commands' Config: Safety's TOMLGuard, then TOMLKit): errors name the file and
/// a real line, nothing traps, however deep the nesting, and no file holding a NUL byte is accepted.
struct ConfigFuzzTarget: FuzzTarget {
    static let name = "config"
    static let summary = "config reader (Config.parse: TOMLGuard, then TOMLKit); errors name the file and a real line"

    var seeds: [[UInt8]] {
        [
            "base_url = \"http://127.0.0.1:8089\"\nmodel = \"claude-x\"\nmax_tokens = 1024\nallow_insecure_http = true\n"
                + "max_retries = 2\nidle_timeout = 60.5\nconnect_timeout = 10\napi_key_helper = \"echo key\"\napi_key_helper_ttl = 300\n"
                + "theme = \"light\"\nkey_check_interval = 600\nclipboard = false\n",
            "# comment\n[table]\nx = [1, 2, { a = 3 }]\ndate = 1979-05-27T07:32:00Z\nmulti = \"\"\"\nline\n\"\"\"\n",
            "max_tokens = 9223372036854775807\nidle_timeout = inf\nconnect_timeout = nan\n", "api_key = \"sk-ant-x\"\n",
            "[[a]]\nb = 1\n[[a]]\nb = 2\n", "\u{FEFF}model = \"m\"\n[t]\nk = 'v'\n",
            "model = \"m\"\n\"a\\u0000b\" = 1\n",
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "[", "]", "[[", "]]", "{", "}", "=", "\"", "'", "\"\"\"", "'''", ",", ".", "#", "\n", "max_tokens",
            "idle_timeout", "base_url",
            "true", "1e309", "inf", "-nan", "0x", "0o", "0b", "1979-05-27", "T07:32:00", "\\u", "\\U0010FFFF",
            "\\u0000", "\u{0}", "\u{FEFF}",
        ].map(utf8)
    }

    var nestingTokens: [[UInt8]] { ["[", "{ a = ", "a.", "x = [", "{a={"].map(utf8) }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        let text = String(decoding: input, as: UTF8.self)
        // Lines as the readers count them: LF bytes (a String splits CR LF as one character).
        let lines = text.utf8.count(where: { $0 == 0x0A }) + 1
        let config: Config
        do {
            config = try Config.parse(text, path: "/fuzz/config.toml")
        } catch {
            try require(error.path == "/fuzz/config.toml", "the error does not name the file: \(error)")
            if let line = error.line {
                try require(
                    line >= 1 && line <= lines + 1, "error line \(line) outside 1...\(lines + 1): \(error.message)")
            }
            return
        }
        // TOMLKit reads a C string: a NUL would silently cut the file short.
        try require(!input.contains(0), "a file holding a NUL byte was accepted")
        if let n = config.maxTokens { try require((1...1_000_000).contains(n), "max_tokens \(n) accepted") }
        for value in [
            config.idleTimeout, config.connectTimeout, config.apiKeyHelperTTL, config.apiKeyHelperTimeout,
            config.keyCheckInterval,
        ] {
            if let value {
                try require(value.isFinite && value > 0 && value <= 86_400, "a timeout of \(value) s accepted")
            }
        }
    }
}
