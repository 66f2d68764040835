/// The xterm 256-colour palette: 16 system colours, a 6×6×6 colour cube
/// (16–231) and a 24-step grey ramp (232–255).
///
/// Used to degrade 24-bit colours on 256-colour terminals. Indices 0–15 are
/// themed by the user, so `nearestIndex` never returns them: the cube and the
/// ramp have fixed, known values.
public enum XtermPalette {
    /// The six channel levels of the colour cube.
    public static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The palette index (16–255) nearest to the colour: the nearest colour in
    /// the cube or the nearest grey of the ramp, whichever is closer.
    public static func nearestIndex(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        let r = nearestCubeLevel(red)
        let g = nearestCubeLevel(green)
        let b = nearestCubeLevel(blue)
        let cubeIndex = 16 + 36 * r + 6 * g + b
        let cubeDistance = distance(
            (red, green, blue), (cubeLevels[r], cubeLevels[g], cubeLevels[b]))

        let average = (Int(red) + Int(green) + Int(blue)) / 3
        // Ramp values are 8, 18, ..., 238.
        let step = min(23, max(0, (average - 8 + 5) / 10))
        let grey = UInt8(8 + 10 * step)
        let greyDistance = distance((red, green, blue), (grey, grey, grey))

        return greyDistance < cubeDistance ? UInt8(232 + step) : UInt8(cubeIndex)
    }

    /// The RGB value xterm uses for a palette index. For 0–15 these are
    /// xterm's defaults; the user's theme may differ.
    public static func rgb(ofIndex index: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        switch index {
        case 0..<16:
            return systemColors[Int(index)]
        case 16..<232:
            let value = Int(index) - 16
            return (cubeLevels[value / 36], cubeLevels[(value / 6) % 6], cubeLevels[value % 6])
        default:
            let grey = UInt8(8 + 10 * (Int(index) - 232))
            return (grey, grey, grey)
        }
    }

    /// The nearest of the 8 basic ANSI colours (0–7), for 8-colour terminals.
    public static func nearestBasicIndex(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        var best = 0
        var bestDistance = Int.max
        for index in 0..<8 {
            let candidate = distance((red, green, blue), systemColors[index])
            if candidate < bestDistance {
                bestDistance = candidate
                best = index
            }
        }
        return UInt8(best)
    }

    private static let systemColors: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    private static func nearestCubeLevel(_ value: UInt8) -> Int {
        // Midpoints between levels 0, 95, 135, 175, 215, 255.
        switch value {
        case 0..<48: return 0
        case 48..<115: return 1
        default: return (Int(value) - 35) / 40
        }
    }

    private static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0)
        let dg = Int(a.1) - Int(b.1)
        let db = Int(a.2) - Int(b.2)
        return dr * dr + dg * dg + db * db
    }
}
