public enum WinnowCore { public static let version = "0.1.0" }
