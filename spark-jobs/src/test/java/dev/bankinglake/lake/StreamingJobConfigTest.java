package dev.bankinglake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamingJobConfigTest {
    @Test
    void defaultsPointAtTheLocalStack() {
        StreamingJobConfig config = StreamingJobConfig.fromEnvironment(Map.of());

        assertThat(config).isEqualTo(new StreamingJobConfig(
                "127.0.0.1:9092",
                "events",
                "hdfs://127.0.0.1:8020/lake",
                "hdfs://127.0.0.1:8020/checkpoints/lake-streaming",
                "thrift://127.0.0.1:9083",
                "default",
                "local[2]",
                Duration.ofSeconds(1),
                200_000,
                Optional.empty()));
    }

    @Test
    void readsEveryVariable() {
        StreamingJobConfig config = StreamingJobConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP", "kafka-1:29092,kafka-2:29092",
                "EVENTS_TOPIC", "events.v1",
                "LAKE_ROOT", "file:///tmp/lake/",
                "CHECKPOINT_DIR", "hdfs://namenode:9000/checkpoints/x",
                "METASTORE_URI", "thrift://metastore:19083",
                "HIVE_DATABASE", "lake_test",
                "SPARK_MASTER", "local[4]",
                "TRIGGER_INTERVAL", "500 ms",
                "MAX_OFFSETS_PER_TRIGGER", "5000",
                "HADOOP_CONF_DIR", "/etc/hadoop/conf"));

        assertThat(config).isEqualTo(new StreamingJobConfig(
                "kafka-1:29092,kafka-2:29092",
                "events.v1",
                "file:///tmp/lake",
                "hdfs://namenode:9000/checkpoints/x",
                "thrift://metastore:19083",
                "lake_test",
                "local[4]",
                Duration.ofMillis(500),
                5000,
                Optional.of("/etc/hadoop/conf")));
    }

    @Test
    void understandsIntervalUnits() {
        assertThat(StreamingJobConfig.fromEnvironment(Map.of("TRIGGER_INTERVAL", "2 minutes")).triggerInterval())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(StreamingJobConfig.fromEnvironment(Map.of("TRIGGER_INTERVAL", "10s")).triggerInterval())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(StreamingJobConfig.fromEnvironment(Map.of("TRIGGER_INTERVAL", "1 second", "HADOOP_CONF_DIR", " ")).hadoopConfDir())
                .isEmpty();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        assertThatThrownBy(() -> StreamingJobConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP", "no-port",
                "EVENTS_TOPIC", "bad topic",
                "LAKE_ROOT", "relative/lake",
                "METASTORE_URI", "http://127.0.0.1:9083",
                "TRIGGER_INTERVAL", "soon",
                "MAX_OFFSETS_PER_TRIGGER", "lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid streaming job configuration: "
                        + "TRIGGER_INTERVAL: 'soon' (must be a number and a unit, e.g. '500 ms', '1 second', '2 minutes'); "
                        + "MAX_OFFSETS_PER_TRIGGER: 'lots' (must be a whole number); "
                        + "KAFKA_BOOTSTRAP: 'no-port' (must be a comma-separated list of host:port); "
                        + "EVENTS_TOPIC: 'bad topic' (must be a Kafka topic name: letters, digits, '.', '_', '-'); "
                        + "LAKE_ROOT: 'relative/lake' (must be an absolute URI such as hdfs://host:port/path or file:///path); "
                        + "METASTORE_URI: 'http://127.0.0.1:9083' (must be a thrift://host:port URI)");
    }

    @Test
    void rejectsNonPositiveLimits() {
        assertThatThrownBy(() -> StreamingJobConfig.fromEnvironment(Map.of("MAX_OFFSETS_PER_TRIGGER", "0", "TRIGGER_INTERVAL", "0 ms")))
                .hasMessage("Invalid streaming job configuration: TRIGGER_INTERVAL: PT0S (must be positive); "
                        + "MAX_OFFSETS_PER_TRIGGER: 0 (must be positive)");
    }
}
