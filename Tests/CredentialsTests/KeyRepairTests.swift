import Foundation
import Testing

@testable import Credentials

/// Every problem of a pasted value at once, each once, and the one-key fix (issue 13, item 6).
@Suite struct KeyRepairTests {
    let good = Keys.make("r")

    @Test(arguments: [
        ("\"%K\"", [KeyProblem.Code.surroundingQuotes], "the quotes"),
        ("Bearer %K", [.bearerPrefix], "\"Bearer \""),
        ("export ANTHROPIC_API_KEY=%K", [.variablePrefix], "the \"export NAME=\" before it"),
        ("ANTHROPIC_API_KEY=%K", [.variablePrefix], "the \"NAME=\" before it"),
        (
            // The closing quote is seen before the shell prefix: the value ends with it.
            "  export ANTHROPIC_API_KEY=\"%K\"\n", [.surroundingWhitespace, .surroundingQuotes, .variablePrefix],
            "the spaces or line breaks around it, the quotes and the \"export NAME=\" before it"
        ),
        ("'Bearer %K'", [.surroundingQuotes, .bearerPrefix], "the quotes and \"Bearer \""),
    ])
    func wrappingIsPeeledLayerByLayer(_ pasted: String, _ codes: [KeyProblem.Code], _ removes: String) {
        let repair = KeyRepair(pasted.replacingOccurrences(of: "%K", with: good))
        #expect(repair.problems.map(\.code) == codes)
        #expect(repair.repaired == good)
        #expect(repair.removes == removes)
    }

    @Test func aCleanKeyNeedsNothing() {
        let repair = KeyRepair(good)
        #expect(repair.isClean && repair.repaired == nil && repair.removes == nil)
    }

    @Test func onlyTrimmingIsNotOfferedAsAFixButIsListed() {
        let repair = KeyRepair(" \(good) ")
        #expect(repair.problems.map(\.code) == [.surroundingWhitespace])
        #expect(repair.repaired == good, "the trim alone is a fix too (the key check trims it anyway)")
    }

    @Test func noFixWhenWhatRemainsCannotBeAKey() {
        for pasted in ["\"sk-proj-\(String(repeating: "x", count: 60))\"", "\"sk-ant-api03-a b\"", "\"\""] {
            let repair = KeyRepair(pasted)
            #expect(repair.repaired == nil, "\(pasted)")
            #expect(repair.problems.contains { $0.severity == .fatal }, "\(pasted)")
        }
    }

    @Test func eachProblemIsListedOnceEvenWhenItsLayerRepeats() {
        let repair = KeyRepair("\"'\"\(good)\"'\"")
        #expect(repair.problems.map(\.code) == [.surroundingQuotes])
        #expect(repair.repaired == good)
    }

    @Test func messagesNeverRepeatTheWholeKey() {
        let repair = KeyRepair("export \(good)=x")
        #expect(repair.problems.allSatisfy { !$0.description.contains(good) })
    }

    @Test func hostileDepthStopsAtTheLayerLimit() {
        let deep = String(repeating: "Bearer ", count: 50) + good
        let repair = KeyRepair(deep)
        #expect(repair.repaired == nil)
        #expect(repair.problems.map(\.code) == [.bearerPrefix])
    }
}
