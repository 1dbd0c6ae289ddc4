package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.settings.SettingValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Everything the lake service can be told from outside, read from environment variables.
 * Defaults live here and nowhere else; every problem is reported at once.
 */
public record LakeServiceConfig(
        String kafkaBootstrap,
        String eventsTopic,
        String lakeRoot,
        String checkpointDir,
        String metastoreUri,
        String hiveDatabase,
        String sparkMaster,
        Duration triggerInterval,
        long maxOffsetsPerTrigger,
        Optional<String> hadoopConfDir,
        int servicePort,
        Duration maxRestartBackoff,
        Set<Integer> schemaVersions,
        String prestoUrl,
        String bindAddress,
        Optional<Path> operatorTokenFile) {

    public static final String KAFKA_BOOTSTRAP = "KAFKA_BOOTSTRAP";
    public static final String EVENTS_TOPIC = "EVENTS_TOPIC";
    public static final String LAKE_ROOT = "LAKE_ROOT";
    public static final String CHECKPOINT_DIR = "CHECKPOINT_DIR";
    public static final String METASTORE_URI = "METASTORE_URI";
    public static final String HIVE_DATABASE = "HIVE_DATABASE";
    public static final String SPARK_MASTER = "SPARK_MASTER";
    public static final String TRIGGER_INTERVAL = "TRIGGER_INTERVAL";
    public static final String MAX_OFFSETS_PER_TRIGGER = "MAX_OFFSETS_PER_TRIGGER";
    public static final String HADOOP_CONF_DIR = "HADOOP_CONF_DIR";
    public static final String LAKE_SERVICE_PORT = "LAKE_SERVICE_PORT";
    public static final String QUERY_RESTART_MAX_BACKOFF = "QUERY_RESTART_MAX_BACKOFF";
    public static final String SUPPORTED_SCHEMA_VERSIONS = "SUPPORTED_SCHEMA_VERSIONS";
    /** Presto's HTTP address, for the analytics routes (final windows, lake tables, read-only SQL). */
    public static final String PRESTO_URL = "PRESTO_URL";
    /** The interface the HTTP server listens on: the stack's one bind variable, loopback by default. */
    public static final String LAKE_BIND_ADDRESS = "LAKE_BIND_ADDRESS";
    /**
     * A file (owner-only) holding the operator token that every route changing something requires
     * as {@code Authorization: Bearer ...}; unset: those routes refuse everyone.
     */
    public static final String LAKE_OPERATOR_TOKEN_FILE = "LAKE_OPERATOR_TOKEN_FILE";

    /** The defaults match the local stack's default ports. */
    public static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(KAFKA_BOOTSTRAP, "127.0.0.1:9092"),
            Map.entry(EVENTS_TOPIC, "events"),
            Map.entry(LAKE_ROOT, "hdfs://127.0.0.1:8020/lake"),
            Map.entry(CHECKPOINT_DIR, "hdfs://127.0.0.1:8020/checkpoints/lake-streaming"),
            Map.entry(METASTORE_URI, "thrift://127.0.0.1:9083"),
            Map.entry(HIVE_DATABASE, "default"),
            Map.entry(SPARK_MASTER, "local[2]"),
            Map.entry(TRIGGER_INTERVAL, "1 second"),
            Map.entry(MAX_OFFSETS_PER_TRIGGER, "200000"),
            Map.entry(LAKE_SERVICE_PORT, "5050"),
            Map.entry(QUERY_RESTART_MAX_BACKOFF, "30 seconds"),
            Map.entry(SUPPORTED_SCHEMA_VERSIONS, "1"),
            Map.entry(PRESTO_URL, "https://127.0.0.1:8080"),
            Map.entry(LAKE_BIND_ADDRESS, "127.0.0.1"));

    private static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9._-]+:\\d{1,5}");
    private static final Pattern DATABASE = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    public LakeServiceConfig {
        requireNonNull(kafkaBootstrap, "kafkaBootstrap is null");
        requireNonNull(eventsTopic, "eventsTopic is null");
        requireNonNull(lakeRoot, "lakeRoot is null");
        requireNonNull(checkpointDir, "checkpointDir is null");
        requireNonNull(metastoreUri, "metastoreUri is null");
        requireNonNull(hiveDatabase, "hiveDatabase is null");
        requireNonNull(sparkMaster, "sparkMaster is null");
        requireNonNull(triggerInterval, "triggerInterval is null");
        requireNonNull(hadoopConfDir, "hadoopConfDir is null");
        requireNonNull(maxRestartBackoff, "maxRestartBackoff is null");
        schemaVersions = Set.copyOf(new TreeSet<>(requireNonNull(schemaVersions, "schemaVersions is null")));
        List<String> problems = new ArrayList<>();
        validate(problems, kafkaBootstrap, eventsTopic, lakeRoot, checkpointDir, metastoreUri, hiveDatabase, sparkMaster,
                triggerInterval, maxOffsetsPerTrigger);
        validateService(problems, servicePort, maxRestartBackoff);
        if (schemaVersions.isEmpty()) {
            problems.add(SUPPORTED_SCHEMA_VERSIONS + ": empty (must list at least one event schema version)");
        }
        validatePrestoUrl(problems, requireNonNull(prestoUrl, "prestoUrl is null"));
        if (requireNonNull(bindAddress, "bindAddress is null").isBlank()) {
            problems.add(LAKE_BIND_ADDRESS + ": must not be blank (e.g. 127.0.0.1)");
        }
        requireNonNull(operatorTokenFile, "operatorTokenFile is null");
        failIfAny(problems);
        prestoUrl = withoutTrailingSlash(prestoUrl);
        lakeRoot = withoutTrailingSlash(lakeRoot);
        checkpointDir = withoutTrailingSlash(checkpointDir);
    }

    /** Reads the configuration from environment variables (or any map shaped like them). */
    public static LakeServiceConfig fromEnvironment(Map<String, String> environment) {
        requireNonNull(environment, "environment is null");
        List<String> problems = new ArrayList<>();
        String kafkaBootstrap = value(environment, KAFKA_BOOTSTRAP);
        String eventsTopic = value(environment, EVENTS_TOPIC);
        String lakeRoot = value(environment, LAKE_ROOT);
        String checkpointDir = value(environment, CHECKPOINT_DIR);
        String metastoreUri = value(environment, METASTORE_URI);
        String hiveDatabase = value(environment, HIVE_DATABASE);
        String sparkMaster = value(environment, SPARK_MASTER);
        Duration triggerInterval = parseInterval(problems, TRIGGER_INTERVAL, value(environment, TRIGGER_INTERVAL));
        Duration maxRestartBackoff = parseInterval(problems, QUERY_RESTART_MAX_BACKOFF, value(environment, QUERY_RESTART_MAX_BACKOFF));
        long servicePort = parsePositiveLong(problems, LAKE_SERVICE_PORT, value(environment, LAKE_SERVICE_PORT));
        long maxOffsetsPerTrigger = parsePositiveLong(problems, MAX_OFFSETS_PER_TRIGGER, value(environment, MAX_OFFSETS_PER_TRIGGER));
        Set<Integer> schemaVersions = parseVersions(problems, value(environment, SUPPORTED_SCHEMA_VERSIONS));
        String prestoUrl = value(environment, PRESTO_URL);
        validatePrestoUrl(problems, prestoUrl);
        Optional<String> hadoopConfDir = Optional.ofNullable(environment.get(HADOOP_CONF_DIR))
                .map(String::trim)
                .filter(dir -> !dir.isEmpty());
        validate(problems, kafkaBootstrap, eventsTopic, lakeRoot, checkpointDir, metastoreUri, hiveDatabase, sparkMaster,
                triggerInterval == null ? Duration.ofSeconds(1) : triggerInterval,
                maxOffsetsPerTrigger < 0 ? 1 : maxOffsetsPerTrigger);
        validateService(problems, servicePort, maxRestartBackoff == null ? Duration.ofSeconds(1) : maxRestartBackoff);
        String bindAddress = value(environment, LAKE_BIND_ADDRESS);
        Optional<Path> operatorTokenFile = Optional.ofNullable(environment.get(LAKE_OPERATOR_TOKEN_FILE))
                .map(String::trim)
                .filter(file -> !file.isEmpty())
                .map(Path::of);
        failIfAny(problems);
        return new LakeServiceConfig(kafkaBootstrap, eventsTopic, lakeRoot, checkpointDir, metastoreUri, hiveDatabase, sparkMaster,
                triggerInterval, maxOffsetsPerTrigger, hadoopConfDir, (int) servicePort, maxRestartBackoff,
                schemaVersions.isEmpty() ? Set.of(1) : schemaVersions, prestoUrl, bindAddress, operatorTokenFile);
    }

    private static void validatePrestoUrl(List<String> problems, String prestoUrl) {
        try {
            URI uri = new URI(prestoUrl);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null || uri.getPort() < 1
                    || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
                problems.add(PRESTO_URL + ": '" + prestoUrl + "' (must be http://host:port)");
            }
        }
        catch (URISyntaxException e) {
            problems.add(PRESTO_URL + ": '" + prestoUrl + "' (must be http://host:port: " + e.getReason() + ")");
        }
    }

    private static String value(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isBlank()) {
            return DEFAULTS.get(name);
        }
        return value.trim();
    }

    private static void validate(List<String> problems, String kafkaBootstrap, String eventsTopic, String lakeRoot,
            String checkpointDir, String metastoreUri, String hiveDatabase, String sparkMaster, Duration triggerInterval,
            long maxOffsetsPerTrigger) {
        for (String server : kafkaBootstrap.split(",", -1)) {
            if (!HOST_PORT.matcher(server.trim()).matches()) {
                problems.add(KAFKA_BOOTSTRAP + ": '" + kafkaBootstrap + "' (must be a comma-separated list of host:port)");
                break;
            }
        }
        if (!TOPIC.matcher(eventsTopic).matches()) {
            problems.add(EVENTS_TOPIC + ": '" + eventsTopic + "' (must be a Kafka topic name: letters, digits, '.', '_', '-')");
        }
        requireAbsoluteUri(problems, LAKE_ROOT, lakeRoot, null);
        requireAbsoluteUri(problems, CHECKPOINT_DIR, checkpointDir, null);
        requireAbsoluteUri(problems, METASTORE_URI, metastoreUri, "thrift");
        if (!DATABASE.matcher(hiveDatabase).matches()) {
            problems.add(HIVE_DATABASE + ": '" + hiveDatabase + "' (must be a lower-case Hive database name)");
        }
        if (sparkMaster.isBlank()) {
            problems.add(SPARK_MASTER + ": must not be blank (e.g. local[2])");
        }
        if (triggerInterval.isNegative() || triggerInterval.isZero()) {
            problems.add(TRIGGER_INTERVAL + ": " + triggerInterval + " (must be positive)");
        }
        if (maxOffsetsPerTrigger <= 0) {
            problems.add(MAX_OFFSETS_PER_TRIGGER + ": " + maxOffsetsPerTrigger + " (must be positive)");
        }
    }

    private static void validateService(List<String> problems, long servicePort, Duration maxRestartBackoff) {
        if (servicePort < 1 || servicePort > 65_535) {
            problems.add(LAKE_SERVICE_PORT + ": " + servicePort + " (must be a TCP port, 1 to 65535)");
        }
        if (maxRestartBackoff.compareTo(Duration.ofSeconds(1)) < 0) {
            problems.add(QUERY_RESTART_MAX_BACKOFF + ": " + maxRestartBackoff + " (must be at least 1 second)");
        }
    }

    private static void requireAbsoluteUri(List<String> problems, String name, String value, String requiredScheme) {
        String expected = requiredScheme == null ? "an absolute URI such as hdfs://host:port/path or file:///path"
                : "a " + requiredScheme + "://host:port URI";
        try {
            URI uri = new URI(value);
            boolean schemeOk = uri.getScheme() != null
                    && (requiredScheme == null || requiredScheme.equals(uri.getScheme()));
            boolean pathOk = requiredScheme != null ? uri.getHost() != null && uri.getPort() > 0
                    : uri.getPath() != null && uri.getPath().startsWith("/") && uri.getPath().length() > 1;
            if (!schemeOk || !pathOk) {
                problems.add(name + ": '" + value + "' (must be " + expected + ")");
            }
        }
        catch (URISyntaxException e) {
            problems.add(name + ": '" + value + "' (must be " + expected + ": " + e.getReason() + ")");
        }
    }

    private static Duration parseInterval(List<String> problems, String name, String value) {
        return SettingValues.duration(problems, name, value, "'500 ms', '1 second', '2 minutes'").orElse(null);
    }

    private static Set<Integer> parseVersions(List<String> problems, String value) {
        Set<Integer> versions = new TreeSet<>();
        for (String version : value.split(",", -1)) {
            try {
                int parsed = Integer.parseInt(version.trim());
                if (parsed < 1) {
                    throw new NumberFormatException();
                }
                versions.add(parsed);
            }
            catch (NumberFormatException e) {
                problems.add(SUPPORTED_SCHEMA_VERSIONS + ": '" + value + "' (must be a comma-separated list of positive whole numbers, e.g. 1,2)");
                return Set.of();
            }
        }
        return versions;
    }

    private static long parsePositiveLong(List<String> problems, String name, String value) {
        try {
            return Long.parseLong(value);
        }
        catch (NumberFormatException e) {
            problems.add(name + ": '" + value + "' (must be a whole number)");
            return -1;
        }
    }

    private static void failIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid lake service configuration: " + String.join("; ", problems));
        }
    }

    private static String withoutTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
