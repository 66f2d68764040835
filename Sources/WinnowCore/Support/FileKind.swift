import Foundation

/// What kind of file a path names, for refusing what cannot be read as a file: a FIFO with no writer
/// would block the open forever, a device or socket is not data.
enum FileKind {
    /// nil for a regular file (or a symbolic link to one) and for a path that does not exist (the
    /// caller says "no such file"); else a phrase such as "a FIFO (named pipe)".
    static func notRegular(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}
