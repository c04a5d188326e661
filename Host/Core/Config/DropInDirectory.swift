import Foundation

/// The files of `plugins.d/` that count, in the order they apply.
///
/// Only `*.conf` is read, sorted by byte value (C locale, so the order never depends on the
/// machine's locale; use `NN-name.conf` prefixes). Dotfiles, editor backups and package-manager
/// leftovers (`*~`, `#*#`, `*.dpkg-*`, `*.rpm*`, `*.ucf-*`) are skipped even when they end in .conf.
public enum DropInDirectory {
    public static func files(in directory: String) throws(ConfigError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ConfigError(file: directory, position: nil, message: "cannot read the configuration directory: \(error.localizedDescription)")
        }
        return names.filter(isDropIn).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { (directory as NSString).appendingPathComponent($0) }
    }

    public static func isDropIn(_ name: String) -> Bool {
        guard name.hasSuffix(".conf"), !name.hasPrefix("."), !name.hasPrefix("#") else { return false }
        return !name.contains(".dpkg-") && !name.contains(".rpm") && !name.contains(".ucf-") && !name.hasSuffix("~")
    }

    /// The instance name a file gets when it names none: its stem without a numeric `NN-` prefix.
    static func instanceName(forFile path: String) -> String {
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if let dash = stem.firstIndex(of: "-"), dash != stem.startIndex,
           stem[..<dash].allSatisfy(\.isNumber), stem.index(after: dash) != stem.endIndex {
            return String(stem[stem.index(after: dash)...])
        }
        return stem
    }
}
