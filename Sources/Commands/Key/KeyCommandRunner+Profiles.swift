import AnthropicAPI
import ChatCore
import Credentials
import Foundation

extension KeyCommandRunner {
    /// Every saved key: the default key and each profile, masked, with the active marker, the
    /// fallback, and when the API last accepted or rejected it (from the key memory).
    public func list(now: Date = Date()) -> PalaverExitCode {
        let config = (try? Config.load(path: context.paths.configFile)) ?? Config()
        var keys = context.keys(config)
        keys.resolver.profile = nil
        let file = keys.file
        let saved: CredentialsFile.Saved
        switch file.load() {
        case .missing:
            context.output.out(
                "No saved keys (\(file.path)). Save one with `palaver key set`, or `palaver key set --name NAME`.\n")
            return .ok
        case .unusable(let reason, let fix):
            context.say("\(file.path) is not used: \(reason). \(fix)")
            return .noUsableKey
        case .saved(let loaded):
            saved = loaded
        }
        let resolution = keys.resolver.resolve()
        func masked(_ source: KeySource) -> String {
            guard let report = resolution.sources.first(where: { $0.source == source }) else { return "(no key)" }
            switch report.state {
            case .present(let inspection, let masked): return inspection.isUsable ? masked : "\(masked) (not usable)"
            case .absent, .failed: return "(no key)"
            }
        }
        func memory(_ key: String?) -> String? {
            guard let key = key?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
            if let rejected = keys.memory.rejectedAt(key) {
                return "rejected \(RateLimitsWording.ago(rejected, now: now))"
            }
            if let verified = keys.memory.verifiedAt(key) {
                return "verified \(RateLimitsWording.ago(verified, now: now))"
            }
            return "not verified yet"
        }
        var rows: [(mark: String, name: String, masked: String, notes: [String])] = []
        if saved.key != nil || saved.fallback != nil {
            rows.append(
                (
                    saved.active == nil ? "*" : " ", CredentialsFile.defaultName,
                    masked(.credentialsFile(file.path)),
                    (saved.fallback.map { ["fallback: \($0)"] } ?? []) + (memory(saved.key).map { [$0] } ?? [])
                ))
        }
        for profile in saved.profiles {
            rows.append(
                (
                    saved.active == profile.name ? "*" : " ", profile.name, masked(.profile(profile.name)),
                    (profile.fallback.map { ["fallback: \($0)"] } ?? []) + (memory(profile.key).map { [$0] } ?? [])
                ))
        }
        let width = rows.map(\.name.count).max() ?? 7
        var text = "Saved keys (\(file.path)); * marks the one the file yields:\n"
        for row in rows {
            text +=
                "\(row.mark) \(row.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(row.masked)"
                + (row.notes.isEmpty ? "" : "  " + row.notes.joined(separator: ", ")) + "\n"
        }
        for problem in saved.problems { text += "! \(problem)\n" }
        if let key = resolution.key {
            text += "Effective key: \(key.description)\n"
        }
        context.output.out(text)
        return .ok
    }

    /// Makes the profile `name` ("default": the top-level key) the one the credentials file yields,
    /// says which key is now effective, and warns when a higher-precedence source still wins.
    public func use(_ name: String) -> PalaverExitCode {
        let config = (try? Config.load(path: context.paths.configFile)) ?? Config()
        var keys = context.keys(config)
        keys.resolver.profile = nil
        let isDefault = name == CredentialsFile.defaultName
        if !isDefault, let problem = ClientSetup.keyProfileProblem(name) {
            context.say(problem)
            return .usage
        }
        do {
            try keys.file.setActive(isDefault ? nil : name)
        } catch {
            context.say("\(error)")
            return .usage
        }
        let chosen: KeySource = isDefault ? .credentialsFile(keys.file.path) : .profile(name)
        let resolution = keys.resolver.resolve()
        let masked = resolution.sources.first { $0.source == chosen }.flatMap { report -> String? in
            if case .present(_, let masked) = report.state { return masked }
            return nil
        }
        context.output.out(
            (isDefault ? "The default key" : "Profile \(name)") + " is now active"
                + (masked.map { ": \($0)" } ?? "") + ".\n")
        guard let effective = resolution.key else {
            context.say(KeySetup.problem(in: resolution))
            return .noUsableKey
        }
        context.output.out("Effective key: \(effective.description)\n")
        guard effective.source != chosen else { return .ok }
        let target = isDefault ? "the default key" : "profile \(name)"
        switch effective.source {
        case .environment(let variable):
            context.say(
                "note: \(variable) is set and takes precedence over \(target); run `unset \(variable)` (and remove it from your shell profile) to use it."
            )
        case .profile(let other):
            context.say(
                "note: PALAVER_KEY_PROFILE chooses profile \(other) and takes precedence over \(target); run `unset PALAVER_KEY_PROFILE` to use it."
            )
        case .helper:
            context.say(
                "note: api_key_helper in config.toml takes precedence over \(target); remove it to use the saved key.")
        case .session, .credentialsFile:
            context.say("note: \(effective.source) takes precedence over \(target).")
        }
        return .ok
    }
}
