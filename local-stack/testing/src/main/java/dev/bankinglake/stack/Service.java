package dev.bankinglake.stack;

/** The infrastructure services of the local stack, by their name in {@code scripts/stack.sh}. */
public enum Service {
    KAFKA("kafka"),
    HDFS("hdfs"),
    METASTORE("metastore"),
    PRESTO("presto");

    private final String scriptName;

    Service(String scriptName) {
        this.scriptName = scriptName;
    }

    public String scriptName() {
        return scriptName;
    }
}
