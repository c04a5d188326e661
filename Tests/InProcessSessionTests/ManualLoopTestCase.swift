import XCTest

/// A test on a fresh `ManualLoop`, with the `RecordingAdapterHost` reset.
class ManualLoopTestCase: XCTestCase {
    var loop: ManualLoop!

    override func setUpWithError() throws {
        RecordingAdapterHost.reset()
        loop = try ManualLoop()
    }

    override func tearDown() { loop = nil }
}
