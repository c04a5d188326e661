/* librdkafka (Debian librdkafka-dev 2.0.2) for the kafka plugin alone; the host links none of it.
 * rd_kafka_producev is variadic, which Swift cannot call: one produce call with what the sink
 * sets is wrapped here. */
#include <librdkafka/rdkafka.h>

/* Produces one record to a topic handle (rd_kafka_topic_new, kept by the sink: naming the topic
 * by string would look it up for every record): `key` and `value` are copied; on RD_KAFKA_RESP_ERR_NO_ERROR `headers`
 * belongs to librdkafka, on any error it stays the caller's to destroy. `opaque` comes back in
 * the delivery report (rkmessage->_private). */
static inline rd_kafka_resp_err_t trib_kafka_produce(rd_kafka_t *rk, rd_kafka_topic_t *topic, const void *key, size_t key_len,
                                                     const void *value, size_t value_len, rd_kafka_headers_t *headers,
                                                     void *opaque) {
    return rd_kafka_producev(rk, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_KEY(key, key_len),
                             RD_KAFKA_V_VALUE((void *)value, value_len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}
