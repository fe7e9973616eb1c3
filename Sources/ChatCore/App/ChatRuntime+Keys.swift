import AnthropicAPI
import Credentials
import Foundation
import Logging
import Synchronization

/// The runtime's side of the key manager and of failover: reading every key source, checking
/// one, switching to one, forgetting one, and moving to a profile's fallback when the key in use
/// is rejected or out of credit. Each reports back as a ``ChatAction``; none runs on the loop's
/// thread.
extension ChatRuntime {
    func performKeyManager(_ effect: ChatEffect) {
        switch effect {
        case .listKeySources:
            Task.detached { [self] in emit(.keySourcesListed(keySourceRows())) }
        case .verifyKeySource(let source):
            Task.detached { [self] in await verifySource(source) }
        case .switchKey(let source):
            Task.detached { [self] in await switchKey(to: source) }
        case .forgetKey(let source):
            storeQueue.async { [self] in forget(source) }
        case .saveSessionKey:
            storeQueue.async { [self] in saveSessionKey() }
        case .failover:
            let configuration = clientConfiguration
            Task.detached { [self] in await failover(after: configuration) }
        default:
            break
        }
    }

    // MARK: Reading the sources

    /// Every source as it is now, with the key entered in this session; nil in demo mode.
    func currentResolution() -> KeyResolver.Resolution? {
        guard let keys else { return nil }
        var resolver = keys.resolver
        resolver.sessionKey = shared.withLock { $0.sessionKey }
        return resolver.resolve()
    }

    /// The key manager's rows: every source, in precedence order, with the key memory's dates.
    func keySourceRows() -> [KeySourceRow] {
        guard let keys, let resolution = currentResolution() else { return [] }
        return KeySourceRow.rows(
            from: resolution, current: clientConfiguration.credential?.secret, now: now(),
            verifiedAt: { keys.memory.verifiedAt($0) }, rejectedAt: { keys.memory.rejectedAt($0) })
    }

    /// A key and where it comes from.
    struct Found: Sendable {
        var credential: Credential
        var source: KeySource

        init(_ credential: Credential, _ source: KeySource) {
            self.credential = credential
            self.source = source
        }

        init(_ resolved: ResolvedKey) {
            self.init(resolved.credential, resolved.source)
        }
    }

    /// The usable key `source` holds in `resolution`, if any.
    static func key(of source: KeySource, in resolution: KeyResolver.Resolution) -> Found? {
        for report in resolution.sources where report.source == source {
            if case .present(let inspection, _) = report.state, let key = inspection.key {
                return Found(Credential(secret: key, scheme: inspection.scheme), source)
            }
        }
        return nil
    }

    // MARK: Checking and switching

    /// Checks `credential` with the API (no retries) and remembers the answer by fingerprint.
    func verify(_ credential: Credential, with configuration: ClientConfiguration) async -> KeyVerifier.Outcome {
        let outcome = await KeyVerifier(configuration: configuration, transport: transport, now: now).verify(
            credential)
        if let keys {
            if outcome.error == nil {
                keys.memory.rememberVerified(credential.secret, at: outcome.at, rateLimits: outcome.rateLimits)
            } else if outcome.error?.kind == .authentication {
                keys.memory.rememberRejected(credential.secret, at: outcome.at)
            }
        }
        return outcome
    }

    private func verifySource(_ source: KeySource) async {
        guard let resolution = currentResolution(), let found = Self.key(of: source, in: resolution) else {
            emit(.keySwitchFailed("\(source.keyPhraseCapitalized) is not a usable key now."))
            return
        }
        emit(.keySourceVerified(source, await verify(found.credential, with: clientConfiguration)))
    }

    /// Verifies the key `source` holds, then uses it from now on (this session).
    private func switchKey(to source: KeySource) async {
        guard let resolution = currentResolution(), let found = Self.key(of: source, in: resolution) else {
            emit(.keySwitchFailed("\(source.keyPhraseCapitalized) is not a usable key now."))
            return
        }
        let outcome = await verify(found.credential, with: clientConfiguration)
        if let error = outcome.error {
            let why = error.kind == .authentication ? "the API rejected it (\(error.message))" : error.kindSentence
            emit(.keySwitchFailed("Still using the same key: \(found.source.keyPhrase) did not verify: \(why)."))
            return
        }
        use(found)
        emit(
            .keySwitched(
                KeySwitch(masked: found.credential.masked, source: found.source, at: outcome.at, reason: .chosen)))
    }

    /// Requests use `found` from now on.
    private func use(_ found: Found) {
        shared.withLock { $0.configuration.credential = found.credential }
        log.info("key switched", metadata: ["key": "\(found.credential.masked)", "source": "\(found.source)"])
    }

    // MARK: Forgetting and saving

    /// Forgets what `source` holds; never the key in use (the user switches away first).
    private func forget(_ source: KeySource) {
        guard let keys, let resolution = currentResolution() else { return }
        let current = clientConfiguration.credential?.secret
        if let found = Self.key(of: source, in: resolution), found.credential.secret == current {
            emit(
                .keyForgotten(
                    source, message: "That key is in use: switch to another one first (u), then forget this one.",
                    error: true))
            return
        }
        do {
            switch source {
            case .session:
                shared.withLock { $0.sessionKey = nil }
            case .credentialsFile:
                try keys.file.remove()
            case .profile(let name):
                try keys.file.remove(profile: name)
            case .environment(let name):
                emit(
                    .keyForgotten(
                        source, message: "palaver cannot change \(name): unset it in your shell and its profile.",
                        error: true))
                return
            case .helper:
                emit(
                    .keyForgotten(
                        source, message: "palaver cannot change what api_key_helper prints: edit config.toml.",
                        error: true))
                return
            }
        } catch {
            emit(.keyForgotten(source, message: "Could not forget \(source.keyPhrase): \(error)", error: true))
            return
        }
        log.info("key forgotten", metadata: ["source": "\(source)"])
        emit(.keyForgotten(source, message: "Forgot \(source.keyPhrase).", error: false))
    }

    /// Writes the key entered in this session to the credentials file (for later runs too).
    private func saveSessionKey() {
        guard let keys, let secret = shared.withLock({ $0.sessionKey }) else {
            emit(.keySwitchFailed("No key was entered in this session."))
            return
        }
        do {
            try keys.file.write(secret)
        } catch {
            emit(.keySwitchFailed("The key could not be saved: \(Secrets.redact("\(error)"))"))
            return
        }
        let inUse = clientConfiguration.credential?.secret == secret
        shared.withLock { $0.sessionKey = nil }
        let masked = Secrets.mask(secret)
        let source = KeySource.credentialsFile(keys.file.path)
        if inUse {
            emit(.keySwitched(KeySwitch(masked: masked, source: source, at: now(), reason: .saved)))
        } else {
            emit(.keyForgotten(.session, message: "Saved \(masked) to the credentials file.", error: false))
        }
    }

    // MARK: Failover

    /// After a 401: remembers the rejected key, looks again (helper re-run, credentials file
    /// re-read) and uses a different key found there, else the first of the profile's fallbacks
    /// that the API accepts.
    func reload(after configuration: ClientConfiguration) async {
        guard let keys, let rejected = configuration.credential else {
            emit(.keyReloadFailed)
            return
        }
        keys.memory.rememberRejected(rejected.secret)
        keys.resolver.helper?.invalidate()
        var resolver = keys.resolver
        resolver.sessionKey = nil
        let resolution = resolver.resolve()
        let candidates =
            ([resolution.key].compactMap { $0 }.map { (Found($0), false) }
            + resolution.fallbacks.map { (Found($0), true) })
            .filter {
                $0.0.credential.secret != rejected.secret && keys.memory.rejectedAt($0.0.credential.secret) == nil
            }
        for (found, isFallback) in candidates {
            let outcome = await verify(found.credential, with: configuration)
            guard outcome.error == nil else { continue }
            use(found)
            if isFallback {
                emit(
                    .keySwitched(
                        KeySwitch(
                            masked: found.credential.masked, source: found.source, at: outcome.at,
                            reason: .fallback(outOfCredit: false))))
            } else {
                emit(.keyApplied(masked: found.credential.masked, source: found.source, at: outcome.at, reloaded: true))
            }
            return
        }
        emit(.keyReloadFailed)
    }

    /// The key in use ran out of credit: the first of its profile's fallbacks the API accepts.
    private func failover(after configuration: ClientConfiguration) async {
        guard let current = configuration.credential, let resolution = currentResolution() else {
            emit(.failoverFailed)
            return
        }
        for found in resolution.fallbacks.map(Found.init) where found.credential.secret != current.secret {
            let outcome = await verify(found.credential, with: configuration)
            guard outcome.error == nil else { continue }
            use(found)
            emit(
                .keySwitched(
                    KeySwitch(
                        masked: found.credential.masked, source: found.source, at: outcome.at,
                        reason: .fallback(outOfCredit: true))))
            return
        }
        emit(.failoverFailed)
    }
}
