package dev.bankinglake.stack;

/** The services of the local stack, by their name in {@code scripts/stack.sh}, in start order. */
public enum Service {
    KAFKA("kafka", true),
    HDFS("hdfs", true),
    METASTORE("metastore", true),
    PRESTO("presto", true),
    /** Mosquitto, the MQTT broker of the lake service's jobs and window updates, on {@code MQTT_URI}. */
    MOSQUITTO("mosquitto", true),
    /** The built API ({@code api/target}), on {@link LocalStack#apiPort()}. */
    API("api", false),
    /**
     * The built lake service ({@code spark-jobs/target}, main class {@code dev.bankinglake.service.LakeService})
     * on the stack's topic and lake root, under its watchdog; ready once {@code GET /health} on
     * {@link LocalStack#lakeServiceUrl()} answers 200.
     */
    STREAMING("streaming", false);

    private final String scriptName;
    private final boolean infrastructure;

    Service(String scriptName, boolean infrastructure) {
        this.scriptName = scriptName;
        this.infrastructure = infrastructure;
    }

    public String scriptName() {
        return scriptName;
    }

    /** Kafka, HDFS, the metastore and Presto; not the project's own applications. */
    public boolean infrastructure() {
        return infrastructure;
    }

    public static Service[] infrastructureServices() {
        return java.util.Arrays.stream(values()).filter(Service::infrastructure).toArray(Service[]::new);
    }
}
