#if DEBUG
    /// Deliberate crashes for the tests that check the terminal is restored and the process ends
    /// promptly after one. Debug builds only, and only with `PALAVER_TEST_CRASH` set, so no user
    /// reaches them by accident.
    enum TestCrash {
        /// `overflow`: a stack overflow (deep recursion); `trap`: a Swift runtime trap.
        static func trigger(_ kind: String) {
            switch kind {
            case "overflow":
                _ = recurse(1)
            case "trap":
                let values: [Int] = []
                _ = values[Int(kind.count)] // out of range: traps
            default:
                return
            }
        }

        /// Recursion the optimiser cannot turn into a loop: every frame keeps a buffer alive.
        private static func recurse(_ depth: Int) -> Int {
            var frame = (depth, depth &+ 1, depth &+ 2, depth &+ 3, depth &+ 4, depth &+ 5, depth &+ 6, depth &+ 7)
            withUnsafeMutableBytes(of: &frame) { $0[0] = UInt8(truncatingIfNeeded: depth) }
            return recurse(depth &+ 1) &+ frame.0
        }
    }
#endif
