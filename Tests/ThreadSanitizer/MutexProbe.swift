// A correct program that ThreadSanitizer on this toolchain reports anyway: every access to the
// dictionary happens inside one Synchronization.Mutex, yet two threads contending for it make
// TSan print "Swift access race" (the contended path hands the lock over in the kernel, where
// TSan sees no synchronization). Tests/ThreadSanitizer/run.sh builds it first, so that reports of
// this kind in the suite's run are known for what they are.
import Dispatch
import Synchronization

final class Box: Sendable { let map = Mutex<[Int: Int]>([:]) }
let box = Box()
DispatchQueue.concurrentPerform(iterations: 2) { thread in
    for n in 0..<20_000 {
        if thread == 0 { box.map.withLock { $0[n] = n } } else { _ = box.map.withLock { $0.removeValue(forKey: n - 1) } }
    }
}
print(box.map.withLock { $0.count })
