import Foundation

/// Certificates for tests, made by the `openssl` command-line tool in a temporary directory that
/// is removed with this object: EC P-256 keys, authorities with CA constraints, client
/// certificates with the clientAuth usage, and expired ones (through `openssl ca`, which takes
/// explicit dates).
public final class TestPKI {
    public struct Issued: Sendable {
        public let keyPath: String
        public let certificatePath: String
        public let pem: String
        public let der: [UInt8]
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let directory: String
    private var serial = 1

    public init() throws {
        directory = NSTemporaryDirectory() + "tributary-pki-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Self.configuration.write(toFile: path("pki.cnf"), atomically: true, encoding: .utf8)
        try "".write(toFile: path("index.txt"), atomically: true, encoding: .utf8)
        try "1000\n".write(toFile: path("serial"), atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    public func path(_ name: String) -> String { "\(directory)/\(name)" }

    /// A self-signed root when `issuer` is nil, else an intermediate signed by `issuer`.
    /// `subject` is in OpenSSL's slash form, most general first: `/O=Example/CN=Example CA`.
    public func authority(_ name: String, subject: String, issuer: Issued? = nil) throws -> Issued {
        if let issuer {
            try request(name, subject: subject)
            try sign(name, issuer: issuer, extensions: "v3_ca")
        } else {
            try openssl(["req", "-config", path("pki.cnf"), "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                         "-nodes", "-keyout", path("\(name).key"), "-out", path("\(name).pem"), "-subj", subject,
                         "-days", "365", "-extensions", "v3_ca"])
        }
        return try issued(name)
    }

    /// A client certificate signed by `issuer`; an expired one was valid only in January 2020.
    public func client(_ name: String, subject: String, issuer: Issued, expired: Bool = false) throws -> Issued {
        try request(name, subject: subject)
        if expired {
            try openssl(["ca", "-batch", "-config", path("pki.cnf"), "-cert", issuer.certificatePath, "-keyfile", issuer.keyPath,
                         "-in", path("\(name).csr"), "-out", path("\(name).pem"), "-startdate", "20200101000000Z",
                         "-enddate", "20200201000000Z", "-notext", "-preserveDN"])
        } else {
            try sign(name, issuer: issuer, extensions: "v3_client")
        }
        return try issued(name)
    }

    /// A server certificate for `localhost` and 127.0.0.1 signed by `issuer`.
    public func server(_ name: String, issuer: Issued) throws -> Issued {
        try request(name, subject: "/CN=localhost")
        try sign(name, issuer: issuer, extensions: "v3_server")
        return try issued(name)
    }

    @discardableResult
    public func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "openssl \(arguments.joined(separator: " ")): \(text)")
        }
        return text
    }

    private func request(_ name: String, subject: String) throws {
        try openssl(["req", "-config", path("pki.cnf"), "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                     "-nodes", "-keyout", path("\(name).key"), "-out", path("\(name).csr"), "-subj", subject])
    }

    private func sign(_ name: String, issuer: Issued, extensions: String) throws {
        serial += 1
        try openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", issuer.certificatePath, "-CAkey", issuer.keyPath,
                     "-set_serial", "\(serial)", "-days", "365", "-extfile", path("pki.cnf"), "-extensions", extensions,
                     "-out", path("\(name).pem")])
    }

    private func issued(_ name: String) throws -> Issued {
        try openssl(["x509", "-in", path("\(name).pem"), "-outform", "DER", "-out", path("\(name).der")])
        return Issued(keyPath: path("\(name).key"), certificatePath: path("\(name).pem"),
                      pem: try String(contentsOfFile: path("\(name).pem"), encoding: .utf8),
                      der: Array(try Data(contentsOf: URL(fileURLWithPath: path("\(name).der")))))
    }

    private static let configuration = """
        [ req ]
        distinguished_name = dn
        [ dn ]
        [ v3_ca ]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash
        [ v3_client ]
        basicConstraints = critical, CA:FALSE
        extendedKeyUsage = clientAuth
        [ v3_server ]
        basicConstraints = critical, CA:FALSE
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:localhost, IP:127.0.0.1
        [ ca ]
        default_ca = ca_any
        [ ca_any ]
        database = index.txt
        new_certs_dir = .
        serial = serial
        default_md = sha256
        policy = policy_any
        unique_subject = no
        x509_extensions = v3_client
        [ policy_any ]
        commonName = supplied
        organizationName = optional

        """
}
