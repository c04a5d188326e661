/*
 * serial-sink -- test fixture: the recording sink (recording_sink.c, same keys and metrics)
 * flagged TRIB_FLAG_SERIAL_DELIVERY, so the host never calls its hook concurrently.
 */
#define RS_FLAGS TRIB_FLAG_SERIAL_DELIVERY
#include "recording_sink.c"
