import CoAPCodec

/// Block1 uploads in progress (RFC 7959 section 2.5): the body so far per transfer
/// (`CoAPTransferKey`), bounded by `maxBodyBytes`; a block out of sequence, or one whose upload was never
/// begun, is refused. An upload is forgotten `lifetimeMilliseconds` after its last block. Loop
/// thread only.
final class CoAPBlockAssembler {
    enum Outcome {
        /// More blocks follow: answer 2.31 Continue echoing the block.
        case needMore
        /// The last block arrived: the whole body.
        case complete([UInt8])
        /// 4.08: out of sequence, or no upload begun.
        case incomplete
        /// 4.13 with Size1 = the bound.
        case tooLarge
    }

    /// An upload, linked into the list of uploads by the time of their last block (oldest first):
    /// the lifetime is the same for all, so that is also the order they expire in, and forgetting
    /// the expired ones only ever looks at the head instead of every upload.
    private final class Upload {
        let key: String
        var body: [UInt8] = []
        var expires: Int64 = 0
        // Weak: `uploads` holds every linked upload; the links only order them (no cycles).
        weak var older: Upload?
        weak var newer: Upload?

        init(key: String) { self.key = key }
    }

    private var uploads: [String: Upload] = [:]
    private var oldest: Upload?
    private var newest: Upload?
    private let maxBodyBytes: Int
    private let maxUploads: Int
    private let lifetimeNanoseconds: Int64

    init(maxBodyBytes: Int, maxUploads: Int, lifetimeMilliseconds: Int64) {
        self.maxBodyBytes = maxBodyBytes
        self.maxUploads = maxUploads
        lifetimeNanoseconds = lifetimeMilliseconds * 1_000_000
    }

    func add(_ block: CoAPBlock, payload: [UInt8], key: String, now: Int64) -> Outcome {
        while let upload = oldest, upload.expires <= now { forget(upload) }
        let upload: Upload
        if block.number == 0 {
            if let existing = uploads[key] {
                upload = existing
                upload.body = []
            } else {
                guard uploads.count < maxUploads else { return .tooLarge }
                upload = Upload(key: key)
                uploads[key] = upload
            }
        } else {
            guard let existing = uploads[key], existing.body.count == block.offset else {
                if let existing = uploads[key] { forget(existing) }
                return .incomplete
            }
            upload = existing
        }
        // Every block but the last is exactly its size (section 2.2).
        guard !block.more || payload.count == block.size else {
            forget(upload)
            return .incomplete
        }
        guard block.offset + payload.count <= maxBodyBytes else {
            forget(upload)
            return .tooLarge
        }
        upload.body += payload
        guard block.more else {
            forget(upload)
            return .complete(upload.body)
        }
        upload.expires = now + lifetimeNanoseconds
        unlink(upload)
        upload.older = newest
        newest?.newer = upload
        newest = upload
        if oldest == nil { oldest = upload }
        return .needMore
    }

    private func forget(_ upload: Upload) {
        unlink(upload)
        uploads[upload.key] = nil
    }

    private func unlink(_ upload: Upload) {
        if let older = upload.older { older.newer = upload.newer } else if oldest === upload { oldest = upload.newer }
        if let newer = upload.newer { newer.older = upload.older } else if newest === upload { newest = upload.older }
        upload.older = nil
        upload.newer = nil
    }
}
