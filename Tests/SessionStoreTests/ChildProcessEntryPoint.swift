import Foundation
import Testing

/// Not a test of its own: the entry point of the child processes that `ChildProcess` starts
/// (this same binary, filtered to this function, with `PALAVER_STORE_TEST_CHILD` set).
@Test(
    .enabled(
        if: ProcessInfo.processInfo.environment[ChildProcess.roleVariable] != nil,
        "runs only as a child process of another test"))
func childProcessEntryPoint() throws {
    try ChildRole.run(ProcessInfo.processInfo.environment[ChildProcess.roleVariable] ?? "")
}
