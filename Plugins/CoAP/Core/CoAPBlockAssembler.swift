import CoAPCodec

/// Block1 uploads in progress (RFC 7959 section 2.5): the body so far per transfer
/// (`CoAPTransferKey`), bounded by `maxBodyBytes`; a block out of sequence, or one whose upload was never
/// begun, is refused. Loop thread only.
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

    private struct Upload {
        var body: [UInt8]
        var expires: Int64
    }

    private var uploads: [String: Upload] = [:]
    private let maxBodyBytes: Int
    private let maxUploads: Int
    private let lifetimeNanoseconds: Int64

    init(maxBodyBytes: Int, maxUploads: Int, lifetimeMilliseconds: Int64) {
        self.maxBodyBytes = maxBodyBytes
        self.maxUploads = maxUploads
        lifetimeNanoseconds = lifetimeMilliseconds * 1_000_000
    }

    func add(_ block: CoAPBlock, payload: [UInt8], key: String, now: Int64) -> Outcome {
        uploads = uploads.filter { $0.value.expires > now }
        var upload: Upload
        if block.number == 0 {
            guard uploads.count < maxUploads || uploads[key] != nil else { return .tooLarge }
            upload = Upload(body: [], expires: 0)
        } else {
            guard let existing = uploads[key], existing.body.count == block.offset else {
                uploads[key] = nil
                return .incomplete
            }
            upload = existing
        }
        // Every block but the last is exactly its size (section 2.2).
        guard !block.more || payload.count == block.size else {
            uploads[key] = nil
            return .incomplete
        }
        guard block.offset + payload.count <= maxBodyBytes else {
            uploads[key] = nil
            return .tooLarge
        }
        upload.body += payload
        upload.expires = now + lifetimeNanoseconds
        guard block.more else {
            uploads[key] = nil
            return .complete(upload.body)
        }
        uploads[key] = upload
        return .needMore
    }
}
