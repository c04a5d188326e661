/// Something registered with an event loop: a descriptor and what to do when it is ready.
/// Called on the loop's thread only.
public protocol Selectable: AnyObject {
    /// `events` is the epoll event mask (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR, ...).
    func handleEvents(_ events: UInt32)
}
