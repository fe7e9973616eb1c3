import Foundation
import Testing
@testable import PalaverFuzz

@Suite("Fuzz targets")
struct FuzzTargetTests {
    @Test("every target is listed once")
    func catalog() {
        #expect(Set(FuzzCatalog.names).count == FuzzCatalog.entries.count)
    }
}
