/* librdkafka's mock cluster as a process the kafka tests and benchmark talk to as to a real
 * cluster (the Kafka wire protocol on 127.0.0.1 listeners).
 *
 *   kafka_mock_cluster BROKERS
 *
 * Prints the bootstrap servers on one line once listening, then takes one command per line on
 * standard input, answering "ok" (or "error ...") to each:
 *   down ID | up ID            broker ID (1..BROKERS) stops or resumes answering
 *   rtt ID MS                  broker ID answers MS milliseconds late
 *   produce-errors N CODE      the next N Produce requests fail with Kafka error CODE
 *   create TOPIC PARTITIONS    a topic (replication: every broker, at most 3)
 * and exits at end of input. */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    int brokers = argc > 1 ? atoi(argv[1]) : 3;
    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", NULL, 0);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!rk) {
        fprintf(stderr, "rd_kafka_new: %s\n", error);
        return 1;
    }
    rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
    if (!cluster) {
        fprintf(stderr, "rd_kafka_mock_cluster_new failed\n");
        return 1;
    }
    printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
    fflush(stdout);

    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        char word[64] = "", topic[256] = "";
        int a = 0, b = 0;
        rd_kafka_resp_err_t result = RD_KAFKA_RESP_ERR_NO_ERROR;
        if (sscanf(line, "down %d", &a) == 1) {
            result = rd_kafka_mock_broker_set_down(cluster, a);
        } else if (sscanf(line, "up %d", &a) == 1) {
            result = rd_kafka_mock_broker_set_up(cluster, a);
        } else if (sscanf(line, "rtt %d %d", &a, &b) == 2) {
            result = rd_kafka_mock_broker_set_rtt(cluster, a, b);
        } else if (sscanf(line, "produce-errors %d %d", &a, &b) == 2) {
            rd_kafka_resp_err_t *errors = calloc((size_t)a, sizeof *errors);
            for (int i = 0; i < a; i++) errors[i] = (rd_kafka_resp_err_t)b;
            rd_kafka_mock_push_request_errors_array(cluster, 0 /* Produce */, (size_t)a, errors);
            free(errors);
        } else if (sscanf(line, "create %255s %d", topic, &a) == 2) {
            result = rd_kafka_mock_topic_create(cluster, topic, a, brokers < 3 ? brokers : 3);
        } else if (sscanf(line, "%63s", word) == 1) {
            printf("error unknown command %s\n", word);
            fflush(stdout);
            continue;
        } else {
            continue;
        }
        if (result) {
            printf("error %s\n", rd_kafka_err2str(result));
        } else {
            printf("ok\n");
        }
        fflush(stdout);
    }
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(rk);
    return 0;
}
