/*
 * bounded-sink -- test fixture: the recording sink (recording_sink.c, same keys and metrics)
 * with a delivery window: at most 2 deliveries pending, batches of up to 8 events, so the host
 * queues at most 16 events behind them, coalesces them, and answers TRIB_BUSY past that.
 */
#define RS_MAX_BATCH 8
#define RS_MAX_IN_FLIGHT 2
#include "recording_sink.c"
