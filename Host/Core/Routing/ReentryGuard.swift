import Glibc

/// Which plugin instances the current thread is inside of: their hook, or a completion they
/// called. The header promises that the host never calls an instance's hook from inside a
/// completion that instance made (nor from inside its own hook), yet an adapter's `done` runs
/// inside that completion and may publish or authenticate again at once; the host then hands
/// that call to another thread instead of re-entering the instance (and, for a serial sink,
/// instead of re-taking the lock its hook runs under).
///
/// A per-thread chain of frames that live on the stack of ``within(_:_:)``, so marking costs two
/// `pthread_setspecific` calls and no allocation.
enum ReentryGuard {
    private struct Frame {
        let instance: UnsafeMutableRawPointer
        let outer: UnsafeMutableRawPointer?
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()

    /// Runs `body` with `instance` marked as entered on this thread.
    static func within<R>(_ instance: AnyObject, _ body: () -> R) -> R {
        var frame = Frame(instance: Unmanaged.passUnretained(instance).toOpaque(), outer: pthread_getspecific(key))
        return withUnsafeMutablePointer(to: &frame) { pointer in
            pthread_setspecific(key, pointer)
            defer { pthread_setspecific(key, pointer.pointee.outer) }
            return body()
        }
    }

    /// Whether this thread is inside `instance`'s hook or completion, at any depth.
    static func isInside(_ instance: AnyObject) -> Bool {
        let wanted = Unmanaged.passUnretained(instance).toOpaque()
        var next = pthread_getspecific(key)
        while let frame = next?.assumingMemoryBound(to: Frame.self).pointee {
            if frame.instance == wanted { return true }
            next = frame.outer
        }
        return false
    }
}
