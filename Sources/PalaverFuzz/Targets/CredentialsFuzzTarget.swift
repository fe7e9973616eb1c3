import Credentials
import Foundation

/// The credentials file reader (Credentials' `CredentialsFile.parse`, profiles and all): nothing
/// traps, every profile name it accepts is one palaver could write, the limits hold, and what it
/// reads survives a save: parse → serialise → parse gives the same keys, profiles and choices.
struct CredentialsFuzzTarget: FuzzTarget {
    static let name = "credentials"
    static let summary =
        "credentials file reader (CredentialsFile.parse: [profiles.NAME], active, fallback); parse → save → parse is stable"

    var seeds: [[UInt8]] {
        let key = "sk-ant-api03-" + String(repeating: "AbCd1234_-", count: 9) + "xyzAA"
        return [
            "# palaver credentials\napi_key = \"\(key)\"\nsaved_at = \"2026-12-08T01:00:00Z\"\n",
            "api_key = \"\(key)\"\nfallback = \"spare\"\nactive = \"work\"\n[profiles.work]\napi_key = 'k1'\nfallback = \"default\"\n[profiles.spare]\napi_key = \"k2\"\n",
            "[profiles.a]\napi_key = \"x\"\n[profiles.a]\napi_key = \"y\"\n", "[other]\napi_key = \"x\"\n",
            "api_key = \"a\"b\"\n", "active = \"nobody\"\n[profiles.x]\nfallback = \"x\"\n", "no equals sign\n",
        ].map(utf8)
    }

    var dictionary: [[UInt8]] {
        [
            "[profiles.", "]", "api_key", "saved_at", "fallback", "active", "default", " = ", "\"", "'", "\n", "\r\n",
            "#", "\u{0}", "\u{FEFF}", "2026-12-08T01:00:00Z", "sk-ant-api03-",
        ].map(utf8)
    }

    func check(_ input: [UInt8], random: inout FuzzRandom) throws(FuzzFailure) {
        guard case .success(let saved) = CredentialsFile.parse(Data(input)) else { return }
        try require(saved.profiles.count <= 64, "more than 64 profiles accepted")
        for profile in saved.profiles {
            try require(
                CredentialsFile.problem(withProfileName: profile.name) == nil, "a profile name palaver refuses was read"
            )
        }
        try require(!input.contains(0), "a file holding a NUL byte was accepted")
        let again = CredentialsFile.parse(Data(saved.serialized().utf8))
        guard case .success(let reread) = again else {
            throw FuzzFailure("the saved file does not read back: \(again)")
        }
        try require(reread.key == saved.key, "the default key changed in a save")
        try require(reread.active == saved.active, "the active profile changed in a save")
        try require(reread.fallback == saved.fallback, "the default key's fallback changed in a save")
        try require(reread.profiles == saved.profiles, "the profiles changed in a save")
    }
}
