import AnthropicAPI
import ChatCore
import Credentials
import Foundation

extension DoctorRunner {
    static func renderText(_ report: Report) -> String {
        var out = "palaver doctor\n\nKey sources, highest precedence first:\n"
        for source in report.sources {
            let mark: String
            let text: String
            switch source.state {
            case .absent(let why):
                mark = "·"
                text = why
            case .present(let inspection, let masked):
                // Well-formed is not accepted: the key the API has just refused never gets a ✓.
                let refused =
                    source.source == report.effective?.source && report.verification?.error?.kind == .authentication
                mark =
                    refused || !inspection.isUsable
                    ? "✗" : (inspection.problems.contains { $0.severity == .warning } ? "!" : "✓")
                text =
                    "\(masked) (\(lengthPhrase(inspection))\(inspection.isUsable && inspection.scheme == .bearer ? ", sent as Bearer" : ""))"
                    + (refused ? " — rejected by the API" : "")
            case .failed(let reason, _):
                mark = "✗"
                text = reason
            }
            out += "  \(mark) \(source.source.description.padding(toLength: 22, withPad: " ", startingAt: 0)) \(text)\n"
            for detail in source.details { out += "    \(String(repeating: " ", count: 22)) \(detail)\n" }
        }
        if let key = report.effective {
            out += "\nEffective key: \(key.description)\n  why: \(report.effectiveReason ?? "")\n"
            for fallback in report.fallbacks { out += "  fallback: \(fallback.description)\n" }
        } else {
            out += "\nEffective key: none\n"
        }
        out += "Base URL: \(report.baseURL) (from \(report.baseURLSource))\n"
        if let v = report.verification {
            if let e = v.error {
                var facts: [String] = []
                if let s = e.httpStatus { facts.append("HTTP \(s)") }
                if let t = e.errorType { facts.append(t) }
                if let id = e.requestID { facts.append("request \(id)") }
                out +=
                    "Verification: GET /v1/models failed\(facts.isEmpty ? "" : " (" + facts.joined(separator: ", ") + ")")\n"
            } else {
                out += "Verification: GET /v1/models → 200 OK\n"
            }
            out += KeyCommandRunner.rateLimitsText(v.rateLimits, heading: "Rate limits", now: v.at)
        }
        out += "Health: \(report.health.word)\n"
        let notable = report.findings.filter { $0.level != .ok }
        if !notable.isEmpty {
            out += "\nFindings:\n"
            for finding in notable {
                let mark = finding.level == .problem ? "✗" : finding.level == .warning ? "!" : "·"
                out += "  \(mark) \(finding.topic): \(finding.detail)\n"
                if let fix = finding.fix { out += "      fix: \(fix)\n" }
            }
        }
        out +=
            report.exitCode == .ok
            ? "\nAll good.\n" : "\nExit code \(report.exitCode.rawValue) (see `palaver ask --help`).\n"
        return Secrets.redact(out)
    }

    /// The key's length, true for every shape: the key as used, and the value as read when that differs.
    static func lengthPhrase(_ inspection: KeyInspection) -> String {
        func characters(_ n: Int) -> String { n == 1 ? "1 character" : "\(n) characters" }
        guard let key = inspection.key else { return "\(characters(inspection.inputLength)) as read; not usable" }
        let used = key.unicodeScalars.count
        return used == inspection.inputLength
            ? characters(used) : "\(characters(used)) as used; \(inspection.inputLength) as read"
    }

    static func renderJSON(_ report: Report) -> String {
        func string(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        let sources: [JSONValue] = report.sources.map { source in
            var o: [String: JSONValue] = [
                "source": .string(source.source.description), "details": .array(source.details.map(JSONValue.string)),
            ]
            switch source.state {
            case .absent(let why):
                o["present"] = .bool(false)
                o["note"] = .string(why)
            case .present(let inspection, let masked):
                o["present"] = .bool(true)
                o["masked_key"] = .string(masked)
                o["usable"] = .bool(inspection.isUsable)
                o["length"] = inspection.key.map { .int($0.unicodeScalars.count) } ?? .null
                o["length_as_read"] = .int(inspection.inputLength)
                o["scheme"] = .string(inspection.scheme == .bearer ? "bearer" : "x-api-key")
                o["problems"] = .array(
                    inspection.problems.map {
                        .object([
                            "code": .string($0.code.rawValue), "severity": .string("\($0.severity)"),
                            "message": .string($0.message), "fix": .string($0.fix),
                        ])
                    })
            case .failed(let reason, let fix):
                o["present"] = .bool(true)
                o["usable"] = .bool(false)
                o["error"] = .string(reason)
                o["fix"] = .string(fix)
            }
            return .object(o)
        }
        var verification: JSONValue = .null
        if let v = report.verification {
            verification = .object([
                "ok": .bool(v.error == nil),
                "http_status": v.error?.httpStatus.map(JSONValue.int) ?? (v.error == nil ? .int(200) : .null),
                "error_type": string(v.error?.errorType),
                "message": string(v.error?.message),
                "request_id": string(v.requestID),
                "rate_limits": .array(
                    RateLimits.Kind.allCases.compactMap { kind in
                        guard let limit = v.rateLimits?[kind] else { return nil }
                        return .object([
                            "kind": .string(kind.rawValue),
                            "limit": limit.limit.map(JSONValue.int) ?? .null,
                            "remaining": limit.remaining.map(JSONValue.int) ?? .null,
                            "reset": limit.reset.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null,
                        ])
                    }),
            ])
        }
        let object: JSONValue = .object([
            "sources": .array(sources),
            "effective_key": report.effective.map {
                .object([
                    "masked_key": .string($0.credential.masked), "source": .string($0.source.description),
                    "reason": string(report.effectiveReason),
                    "fallbacks": .array(
                        report.fallbacks.map {
                            .object([
                                "masked_key": .string($0.credential.masked), "source": .string($0.source.description),
                            ])
                        }),
                ])
            } ?? .null,
            "base_url": .string(report.baseURL),
            "base_url_source": .string(report.baseURLSource),
            "verification": verification,
            "health": .string(report.health.word),
            "findings": .array(
                report.findings.map {
                    .object([
                        "topic": .string($0.topic), "level": .string($0.level.rawValue), "detail": .string($0.detail),
                        "fix": string($0.fix),
                    ])
                }),
            "exit_code": .int(Int(report.exitCode.rawValue)),
        ])
        return Secrets.redact(object.serialized())
    }
}
