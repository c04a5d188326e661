// The codecs are their own targets (no sockets, no OpenSSL) so fuzzers and the host can link
// them alone; a plugin that imports the networking runtime gets them with it.
@_exported import HTTP1Codec
@_exported import WebSocketCodec
