/// A column and row on the screen, from the top-left corner (0, 0).
public struct Position: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public init(x: Int, y: Int) {
        self.x = x
        self.y = y
    }
    public var description: String { "(\(x), \(y))" }
}

/// A width and height in cells.
public struct Size: Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    public var description: String { "\(width)×\(height)" }
}

/// A rectangle of cells; `maxX` and `maxY` are exclusive.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public init(origin: Position = Position(x: 0, y: 0), size: Size) {
        self.init(x: origin.x, y: origin.y, width: size.width, height: size.height)
    }

    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    public var minX: Int { x }
    public var minY: Int { y }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public var size: Size { Size(width: width, height: height) }
    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var description: String { "Rect(x: \(x), y: \(y), width: \(width), height: \(height))" }

    public func contains(_ p: Position) -> Bool { p.x >= minX && p.x < maxX && p.y >= minY && p.y < maxY }

    /// The overlap of two rectangles (empty, at this origin, when they do not overlap).
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(minX, other.minX)
        let y0 = max(minY, other.minY)
        let x1 = min(maxX, other.maxX)
        let y1 = min(maxY, other.maxY)
        guard x1 > x0, y1 > y0 else { return Rect(x: x0, y: y0, width: 0, height: 0) }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// The rectangle shrunk by the given margins (never below zero size).
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: width - left - right, height: height - top - bottom)
    }

    /// The rectangle shrunk by `amount` on every side.
    public func inset(by amount: Int) -> Rect { inset(top: amount, left: amount, bottom: amount, right: amount) }

    /// A rectangle of at most the given size, centred in this one.
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(max(0, w), width)
        let ch = min(max(0, h), height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    /// The single row `row` (relative to the top) of this rectangle.
    public func row(_ row: Int) -> Rect { Rect(x: x, y: y + row, width: width, height: row < height ? 1 : 0) }
}

/// How much room one part of a ``Rect/split(_:_:)`` takes.
public enum LayoutConstraint: Hashable, Sendable {
    /// Exactly this many cells (less when the space runs out).
    case length(Int)
    /// This percentage of the whole.
    case percentage(Int)
    /// A share of what the fixed parts leave, in proportion to the weight.
    case fill(Int)
}

/// The direction of a split.
public enum Axis: Hashable, Sendable {
    case horizontal
    case vertical
}

extension Rect {
    /// Splits the rectangle into consecutive parts along `axis`.
    ///
    /// Fixed parts (`length`, `percentage`) are served first, in order, until the space runs
    /// out; `fill` parts share the rest by weight, the last one taking any remainder. The
    /// parts always tile the rectangle without overlapping.
    public func split(_ axis: Axis, _ constraints: [LayoutConstraint]) -> [Rect] {
        let total = axis == .horizontal ? width : height
        var sizes = [Int](repeating: 0, count: constraints.count)
        var left = total
        for (i, c) in constraints.enumerated() {
            switch c {
            case .length(let n): sizes[i] = min(max(0, n), left)
            case .percentage(let p): sizes[i] = min(max(0, total * p / 100), left)
            case .fill: continue
            }
            left -= sizes[i]
        }
        let fills = constraints.enumerated().compactMap { i, c -> (Int, Int)? in
            if case .fill(let w) = c { return (i, max(0, w)) } else { return nil }
        }
        let weights = fills.reduce(0) { $0 + $1.1 }
        var given = 0
        for (n, (i, w)) in fills.enumerated() {
            let share = n == fills.count - 1 ? left - given : (weights == 0 ? 0 : left * w / weights)
            sizes[i] = share
            given += share
        }
        var offset = axis == .horizontal ? x : y
        return sizes.map { size in
            defer { offset += size }
            return axis == .horizontal
                ? Rect(x: offset, y: y, width: size, height: height)
                : Rect(x: x, y: offset, width: width, height: size)
        }
    }
}
