import TestSupport
import TributarySDK
import XCTest
@testable import RegistryFileCore

/// API-key users, and every branch of Drogue's owner/members rules.
final class UserAuthorizationTests: RegistryTestCase {
    override func setUpWithError() throws {
        try load([
            "applications": [
                Resource.application("app", owner: "olivia", members: ["adam": "admin", "mia": "Manager", "rita": "reader", "": "reader"]),
                Resource.application("open-app"),
                Resource.application("closed-app", owner: "olivia"),
            ],
            "users": [
                Resource.user("alice", keys: [Resource.sha256Key("alice-key"), Resource.sha256Key("alice-second-key")], roles: ["drogue-user"]),
                Resource.user("bob", keys: [TestHashes.bcrypt("bob-key")]),
                Resource.user("carol", keys: [TestHashes.sha512Crypt("carol-key")]),
                Resource.user("keyless", keys: []),
            ],
        ])
    }

    private func key(_ user: String, _ key: String) -> UserVerdict? {
        registry.verdict(UserAuthRequest(credential: .apiKey(username: user, key: key)))
    }

    func testAPIKeysPassAndFail() {
        XCTAssertEqual(key("alice", "alice-key"), UserVerdict(status: .ok, user: "alice", roles: ["drogue-user"]))
        XCTAssertEqual(key("alice", "alice-second-key"), UserVerdict(status: .ok, user: "alice", roles: ["drogue-user"]))
        XCTAssertEqual(key("alice", "alice-key "), UserVerdict(status: .unauthenticated))
        XCTAssertEqual(key("alice", ""), UserVerdict(status: .unauthenticated))
        XCTAssertEqual(key("bob", "bob-key"), UserVerdict(status: .ok, user: "bob"))
        XCTAssertEqual(key("bob", "alice-key"), UserVerdict(status: .unauthenticated))
        XCTAssertEqual(key("carol", "carol-key"), UserVerdict(status: .ok, user: "carol"))
        XCTAssertEqual(key("keyless", "anything"), UserVerdict(status: .unauthenticated))
    }

    func testUnknownUsersAndBearerTokensAreDeferred() {
        XCTAssertEqual(key("mallory", "alice-key"), UserVerdict(status: .defer))
        XCTAssertEqual(registry.verdict(UserAuthRequest(credential: .bearerToken("eyJ..."))), UserVerdict(status: .defer))
        XCTAssertEqual(registry.verdict(UserAuthRequest(credential: nil)), UserVerdict(status: .defer))
    }

    private func may(_ user: String, _ permission: Permission, on application: String = "app", roles: [String] = []) -> Status {
        registry.authorize(AuthorizeRequest(user: user, roles: roles, application: application, permission: permission))
    }

    func testGlobalAdminsMayDoAnything() {
        XCTAssertEqual(may("stranger", .owner, roles: ["drogue-admin"]), .ok)
        XCTAssertEqual(may("stranger", .owner, roles: ["drogue-user"]), .denied)
    }

    func testApplicationsWithoutOwnerAreOpenAndOwnersMayDoAnything() {
        for permission in Permission.allCases {
            XCTAssertEqual(may("stranger", permission, on: "open-app"), .ok)
            XCTAssertEqual(may("", permission, on: "open-app"), .ok)
            XCTAssertEqual(may("olivia", permission), .ok)
        }
    }

    func testMembersByRole() {
        let expected: [(String, [Permission: Status])] = [
            ("adam", [.read: .ok, .write: .ok, .admin: .ok, .owner: .denied]),
            ("mia", [.read: .ok, .write: .ok, .admin: .denied, .owner: .denied]),
            ("rita", [.read: .ok, .write: .denied, .admin: .denied, .owner: .denied]),
            // The anonymous user is the member "".
            ("", [.read: .ok, .write: .denied, .admin: .denied, .owner: .denied]),
            ("stranger", [.read: .denied, .write: .denied, .admin: .denied, .owner: .denied]),
        ]
        for (user, permissions) in expected {
            for (permission, status) in permissions {
                XCTAssertEqual(may(user, permission), status, "\(user) \(permission)")
            }
        }
        XCTAssertEqual(may("", .read, on: "closed-app"), .denied)
    }

    func testUnknownApplicationsAreDeferred() {
        XCTAssertEqual(may("olivia", .read, on: "elsewhere"), .defer)
        XCTAssertEqual(may("olivia", .read, on: "elsewhere", roles: ["drogue-admin"]), .defer)
    }
}
