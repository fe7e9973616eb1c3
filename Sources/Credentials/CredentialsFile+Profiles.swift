import Foundation

extension CredentialsFile {
    /// A named key profile: `[profiles.NAME]` in the file.
    public struct Profile: Sendable, Equatable {
        public var name: String
        /// `nil` when the section holds no `api_key` (reported in ``Saved/problems``).
        public var key: String?
        public var savedAt: String?
        /// The profile to try when this one's key is rejected or out of credit ("default": the top-level key).
        public var fallback: String?

        public init(name: String, key: String? = nil, savedAt: String? = nil, fallback: String? = nil) {
            self.name = name
            self.key = key
            self.savedAt = savedAt
            self.fallback = fallback
        }
    }

    /// Everything the file holds.
    public struct Saved: Sendable, Equatable {
        /// The default key (the top-level `api_key`), optional once profiles exist.
        public var key: String?
        public var savedAt: String?
        /// The default key's fallback profile.
        public var fallback: String?
        /// The profile `palaver key use` chose; `nil` is the default key.
        public var active: String?
        /// In file order.
        public var profiles: [Profile] = []
        /// What is wrong but not fatal (a fallback naming a missing profile, an odd value), for doctor.
        public var problems: [String] = []

        public init(
            key: String? = nil, savedAt: String? = nil, fallback: String? = nil, active: String? = nil,
            profiles: [Profile] = []
        ) {
            self.key = key
            self.savedAt = savedAt
            self.fallback = fallback
            self.active = active
            self.profiles = profiles
        }

        public func profile(named name: String) -> Profile? {
            profiles.first { $0.name == name }
        }

        /// The key and fallback a name stands for: "default" is the top-level key.
        public func entry(named name: String) -> (key: String?, fallback: String?, exists: Bool) {
            if name == CredentialsFile.defaultName { return (key, fallback, key != nil) }
            guard let profile = profile(named: name) else { return (nil, nil, false) }
            return (profile.key, profile.fallback, true)
        }

        mutating func upsert(_ profile: Profile) {
            if let i = profiles.firstIndex(where: { $0.name == profile.name }) {
                profiles[i] = profile
            } else {
                profiles.append(profile)
            }
        }

        /// "no profile NAME in the credentials file; the profiles are a, b" (or "there are none").
        public func unknownProfileMessage(_ name: String) -> String {
            let names = profiles.map(\.name)
            return "no profile \(name) in the credentials file; "
                + (names.isEmpty
                    ? "there are none yet (save one with `palaver key set --name \(name)`)."
                    : "the profiles are \(names.joined(separator: ", ")) (and \"default\" for the top-level key).")
        }

        /// Throws unless `target` may be the fallback of `owner` (`nil`: the default key).
        func requireTarget(_ target: String, of owner: String?) throws {
            if target == CredentialsFile.defaultName {
                guard owner != nil else {
                    throw CredentialsFileError(message: "the default key cannot be its own fallback.")
                }
                return
            }
            try CredentialsFile.requireValidName(target)
            guard target != owner else {
                throw CredentialsFileError(message: "profile \(target) cannot be its own fallback.")
            }
            guard profile(named: target) != nil else {
                throw CredentialsFileError(
                    message: "cannot use \(target) as a fallback: " + unknownProfileMessage(target))
            }
        }

        /// The file's text, as `write` saves it.
        public func serialized() -> String {
            var text = "# palaver credentials: keep this file private (mode 0600).\n"
            if let key { text += "api_key = \"\(key)\"\n" }
            if let savedAt { text += "saved_at = \"\(savedAt)\"\n" }
            if let fallback { text += "fallback = \"\(fallback)\"\n" }
            if let active { text += "active = \"\(active)\"\n" }
            for profile in profiles {
                text += "\n[profiles.\(profile.name)]\n"
                if let key = profile.key { text += "api_key = \"\(key)\"\n" }
                if let savedAt = profile.savedAt { text += "saved_at = \"\(savedAt)\"\n" }
                if let fallback = profile.fallback { text += "fallback = \"\(fallback)\"\n" }
            }
            return text
        }
    }

    /// The name that stands for the top-level key in `key use`, `--fallback` and `fallback = …`.
    public static let defaultName = "default"

    /// The most profiles a file may hold.
    static let profileLimit = 64

    /// Why `name` cannot name a profile, or `nil` when it can: 1–32 of A–Z, a–z, 0–9, `-`, `_`,
    /// and not "default" (the top-level key).
    public static func problem(withProfileName name: String) -> String? {
        let shown =
            name.unicodeScalars.count <= 40 && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            ? "\"\(name)\"" : "this name"
        guard (1...32).contains(name.utf8.count),
            name.utf8.allSatisfy({
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                    || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
            })
        else {
            return "\(shown) cannot name a key profile: use 1 to 32 letters, digits, - or _."
        }
        if name == defaultName {
            return "\"default\" cannot name a key profile: it stands for the top-level key."
        }
        return nil
    }

    static func requireValidName(_ name: String) throws {
        if let problem = problem(withProfileName: name) { throw CredentialsFileError(message: problem) }
    }

    public struct ParseFailure: Error, Equatable {
        public var reason: String
    }

    /// Parses the file's bytes: top-level `api_key`, `saved_at`, `fallback`, `active`, then
    /// `[profiles.NAME]` sections with `api_key`, `saved_at`, `fallback`. Everything is untrusted:
    /// a NUL byte, a line that is not `name = value`, another kind of section, a bad or repeated
    /// profile name, or too many profiles refuses the file; unknown settings are ignored (as always).
    public static func parse(_ data: Data) -> Result<Saved, ParseFailure> {
        let format = "it is not in the expected format (api_key = \"…\")"
        guard !data.contains(0) else { return .failure(ParseFailure(reason: format + "; it holds a NUL byte")) }
        var saved = Saved()
        var current: Int? // index into saved.profiles
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.hasPrefix("[profiles.") else {
                    return .failure(ParseFailure(reason: format + "; only [profiles.NAME] sections are allowed"))
                }
                let name = String(trimmed.dropFirst("[profiles.".count).dropLast())
                if let problem = problem(withProfileName: name) {
                    return .failure(
                        ParseFailure(reason: "it has a section [profiles.…] that palaver refuses: \(problem)"))
                }
                guard saved.profile(named: name) == nil else {
                    return .failure(ParseFailure(reason: "it has the section [profiles.\(name)] twice"))
                }
                guard saved.profiles.count < profileLimit else {
                    return .failure(ParseFailure(reason: "it holds more than \(profileLimit) profiles"))
                }
                saved.profiles.append(Profile(name: name))
                current = saved.profiles.count - 1
                continue
            }
            guard let eq = trimmed.firstIndex(of: "=") else { return .failure(ParseFailure(reason: format)) }
            let name = trimmed[..<eq].trimmingCharacters(in: .whitespaces)
            let value = unquote(trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces))
            if let current {
                switch name {
                case "api_key": saved.profiles[current].key = value
                case "saved_at": saved.profiles[current].savedAt = plausibleTimestamp(value)
                case "fallback":
                    saved.profiles[current].fallback = plausibleReference(
                        value, in: &saved, what: "profile \(saved.profiles[current].name)'s fallback")
                default: break
                }
            } else {
                switch name {
                case "api_key": saved.key = value
                case "saved_at": saved.savedAt = plausibleTimestamp(value)
                case "fallback":
                    saved.fallback = plausibleReference(value, in: &saved, what: "the default key's fallback")
                case "active": saved.active = plausibleReference(value, in: &saved, what: "active")
                default: break
                }
            }
        }
        guard saved.key != nil || !saved.profiles.isEmpty else {
            return .failure(ParseFailure(reason: "it holds no api_key"))
        }
        if saved.active == defaultName { saved.active = nil }
        // References to what is not there are reported, not fatal.
        if let active = saved.active, saved.profile(named: active)?.key == nil {
            saved.problems.append("active names profile \(active), which holds no key; the default key is used.")
            saved.active = nil
        }
        if let fallback = saved.fallback, !saved.entry(named: fallback).exists {
            saved.problems.append("the default key's fallback names profile \(fallback), which is not in the file.")
        }
        for profile in saved.profiles {
            if profile.key == nil { saved.problems.append("profile \(profile.name) holds no api_key.") }
            if let fallback = profile.fallback, !saved.entry(named: fallback).exists {
                saved.problems.append(
                    "profile \(profile.name)'s fallback names \(fallback == defaultName ? "the default key" : "profile \(fallback)"), which is not in the file."
                )
            }
        }
        return .success(saved)
    }

    /// A profile name read from the file (`fallback`, `active`), or `nil` with a problem noted.
    private static func plausibleReference(_ value: String, in saved: inout Saved, what: String) -> String? {
        if value == defaultName { return value }
        if problem(withProfileName: value) != nil {
            saved.problems.append("\(what) is not a profile name palaver accepts, so it is ignored.")
            return nil
        }
        return value
    }

    /// `s` without one pair of matching quotes around it. Scalars, not characters: a combining
    /// mark after a quote would make `"́` one character and the value read back differently
    /// after a save (found by the credentials fuzz target).
    private static func unquote(_ s: String) -> String {
        let scalars = s.unicodeScalars
        if scalars.count >= 2, let f = scalars.first, let l = scalars.last, f == l, f == "\"" || f == "'" {
            return String(String.UnicodeScalarView(scalars.dropFirst().dropLast()))
        }
        return s
    }
}
