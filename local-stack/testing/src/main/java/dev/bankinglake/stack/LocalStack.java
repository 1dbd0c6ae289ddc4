package dev.bankinglake.stack;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A running local stack for integration tests: the same {@code scripts/stack.sh} that operators
 * use, on a port set and state folder of the test run's own, so that a user's stack is never
 * touched. Started once per test JVM ({@link #shared()}), services on demand
 * ({@link #require}), stopped when the JVM exits.
 *
 * <p>System properties (set by failsafe in the root pom): {@code lake.repo.root},
 * {@code lake.test.portBase} (every port is base + a fixed offset), {@code lake.test.stateDir}.
 */
public final class LocalStack {
    private static final long SCRIPT_TIMEOUT_MINUTES = 10;
    private static LocalStack shared;
    private static LocalStack sharedCluster;

    private final Path repoRoot;
    private final Path stateDir;
    private final int portBase;
    private final Map<String, String> baseEnvironment;
    private final Set<Service> running = EnumSet.noneOf(Service.class);
    private Map<String, String> resolved;

    private LocalStack(Path repoRoot, Path stateDir, int portBase) {
        this(repoRoot, stateDir, portBase, false);
    }

    private LocalStack(Path repoRoot, Path stateDir, int portBase, boolean cluster) {
        this.repoRoot = requireNonNull(repoRoot, "repoRoot is null");
        this.stateDir = requireNonNull(stateDir, "stateDir is null");
        this.portBase = portBase;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("LAKE_STATE_DIR", stateDir.toString());
        env.put("KAFKA_PORT", port(92));
        env.put("KAFKA_CONTROLLER_PORT", port(93));
        env.put("HDFS_PORT", port(20));
        env.put("HDFS_HTTP_PORT", port(70));
        env.put("HDFS_DATANODE_PORT", port(66));
        env.put("HDFS_DATANODE_HTTP_PORT", port(64));
        env.put("HDFS_DATANODE_IPC_PORT", port(67));
        env.put("HDFS_DATANODE_PROXY_PORT", port(69));
        env.put("METASTORE_PORT", port(83));
        env.put("PRESTO_PORT", port(80));
        env.put("API_PORT", port(50));
        env.put("LAKE_SERVICE_PORT", port(55));
        env.put("MQTT_PORT", port(88));
        env.put("LAKE_START_TIMEOUT", "240");
        if (cluster) {
            // scripts/stack.sh --cluster; the extra Kafka nodes and DataNodes follow the ports above
            env.put("LAKE_CLUSTER", "on");
            env.put("PRESTO_WORKER_PORT", port(81));
            env.put("SPARK_BLOCK_MANAGER_PORT", port(30));
            env.put("SPARK_WORKER_WEBUI_PORT", port(41));
            env.put("SPARK_WORKER_PORT", port(43));
            env.put("SPARK_MASTER_PORT", port(45));
            env.put("SPARK_MASTER_WEBUI_PORT", port(46));
            env.put("SPARK_DRIVER_PORT", port(47));
            env.put("LAKE_START_TIMEOUT", "420");
        }
        this.baseEnvironment = Map.copyOf(env);
    }

    /** The stack of this test JVM, created on first use; its services start on {@link #require}. */
    public static synchronized LocalStack shared() {
        if (shared == null) {
            Path repoRoot = Paths.get(System.getProperty("lake.repo.root", findRepoRoot().toString())).toAbsolutePath().normalize();
            int portBase = Integer.parseInt(System.getProperty("lake.test.portBase", "19000"));
            Path stateDir = Paths.get(System.getProperty("lake.test.stateDir", repoRoot.resolve("target/it-stack").toString()))
                    .toAbsolutePath().normalize();
            LocalStack stack = new LocalStack(repoRoot, stateDir, portBase);
            stack.reset();
            Runtime.getRuntime().addShutdownHook(new Thread(stack::stopAll, "local-stack-stop"));
            shared = stack;
        }
        return shared;
    }

    /**
     * The cluster-shaped stack of this test JVM ({@code scripts/stack.sh --cluster}: Kafka nodes,
     * DataNodes, a Presto worker, a Spark standalone master and workers), started whole on first use
     * and stopped when the JVM exits. Not for a JVM that also uses {@link #shared()}: both take the
     * same state folder and ports.
     */
    public static synchronized LocalStack sharedCluster() {
        if (sharedCluster == null) {
            Path repoRoot = Paths.get(System.getProperty("lake.repo.root", findRepoRoot().toString())).toAbsolutePath().normalize();
            int portBase = Integer.parseInt(System.getProperty("lake.test.portBase", "19000"));
            Path stateDir = Paths.get(System.getProperty("lake.test.stateDir", repoRoot.resolve("target/it-stack").toString()))
                    .toAbsolutePath().normalize();
            LocalStack stack = new LocalStack(repoRoot, stateDir, portBase, true);
            stack.reset();
            Runtime.getRuntime().addShutdownHook(new Thread(stack::stopAll, "local-stack-cluster-stop"));
            stack.runScript(Map.of(), List.of("start"));
            sharedCluster = stack;
        }
        return sharedCluster;
    }

    /**
     * Starts the given services unless already running, and waits until each answers. The
     * project's own services (API, streaming) are always asked of the script, which returns as soon
     * as they answer: a test may have killed one, and {@code STREAMING} is ready only once its
     * {@code /health} answers 200 (under its watchdog, after a restart).
     */
    public synchronized LocalStack require(Service... services) {
        List<String> missing = new ArrayList<>();
        for (Service service : services) {
            if (!running.contains(service) || !service.infrastructure()) {
                missing.add(service.scriptName());
            }
        }
        if (!missing.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("start"));
            // keep the script's dependency order (hdfs before metastore)
            for (Service service : Service.values()) {
                if (missing.contains(service.scriptName())) {
                    command.add(service.scriptName());
                }
            }
            runScript(Map.of(), command);
            running.addAll(List.of(services));
        }
        return this;
    }

    /** Stops one service, for outage tests. Its data stays; {@link #start} brings it back. */
    public synchronized void stop(Service service) {
        runScript(Map.of(), List.of("stop", service.scriptName()));
        running.remove(service);
    }

    public synchronized void start(Service service) {
        require(service);
    }

    /** Stops every service of this stack, watchdogs included. */
    public synchronized void stopAll() {
        if (Files.isDirectory(stateDir.resolve("pids"))) {
            runScript(Map.of(), List.of("stop"));
        }
        running.clear();
    }

    /**
     * Runs {@code scripts/stack.sh} with this stack's settings plus {@code extraEnvironment}, which
     * the script passes on to the services it starts (e.g. {@code EVENTS_TOPIC}, {@code LAKE_ROOT},
     * {@code CHECKPOINT_DIR}, {@code HIVE_DATABASE} for the lake service, or {@code LAKE_WATCHDOG=off}).
     * Returns its output lines; fails with the last lines of its output when it exits non-zero.
     * Services started this way are not remembered by {@link #require}.
     */
    public synchronized List<String> script(Map<String, String> extraEnvironment, String... arguments) {
        requireNonNull(extraEnvironment, "extraEnvironment is null");
        if (arguments.length == 0) {
            throw new IllegalArgumentException("scripts/stack.sh needs a command (start, stop, status, restart, env)");
        }
        return runScript(extraEnvironment, List.of(arguments));
    }

    /** {@link #script(Map, String...)} without extra environment. */
    public List<String> script(String... arguments) {
        return script(Map.of(), arguments);
    }

    /**
     * The pid in {@code pids/<processName>.pid} of this stack's state folder, if the file holds one:
     * e.g. {@code streaming} (the lake service's JVM, rewritten by its watchdog at every start),
     * {@code streaming-watchdog}, {@code api}, {@code kafka}, {@code namenode}. What the file says,
     * not whether that process still runs (see {@link ProcessHandle#of(long)}).
     */
    public OptionalLong pid(String processName) {
        requireNonNull(processName, "processName is null");
        Path file = stateDir.resolve("pids").resolve(processName + ".pid");
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.matches("\\d+") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Settings of this stack as the scripts resolve them (KAFKA_BOOTSTRAP, LAKE_ROOT, METASTORE_URI, ...). */
    public synchronized Map<String, String> environment() {
        if (resolved == null) {
            Map<String, String> env = new LinkedHashMap<>(baseEnvironment);
            for (String line : runScript(Map.of(), List.of("env"))) {
                int equals = line.indexOf('=');
                if (equals > 0) {
                    env.put(line.substring(0, equals), line.substring(equals + 1));
                }
            }
            resolved = Map.copyOf(env);
        }
        return resolved;
    }

    public String kafkaBootstrap() {
        return environment().get("KAFKA_BOOTSTRAP");
    }

    /** {@code hdfs://127.0.0.1:port} */
    public String hdfsUri() {
        return environment().get("HDFS_URI");
    }

    /** {@code thrift://127.0.0.1:port} */
    public String metastoreUri() {
        return environment().get("METASTORE_URI");
    }

    /** JDBC URL on catalog {@code hive}, schema {@code default}. */
    public String prestoJdbcUrl() {
        return "jdbc:presto://127.0.0.1:" + environment().get("PRESTO_PORT") + "/hive/default";
    }

    /** The Presto password of {@code user} (lake-operator, lake-analytics, lake-viewer), from its secret file. */
    public String prestoPassword(String user) {
        requireNonNull(user, "user is null");
        return secret(Paths.get(environment().get("LAKE_SECRETS_DIR")).resolve("presto-" + user + ".password"));
    }

    /**
     * What a JDBC client of this Presto needs to log in as {@code user}: TLS trusting the stack's own
     * CA, the user name and its password.
     */
    public Properties prestoProperties(String user) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", prestoPassword(user));
        properties.setProperty("SSL", "true");
        properties.setProperty("SSLTrustStorePath", environment().get("PRESTO_TRUSTSTORE"));
        properties.setProperty("SSLTrustStorePassword", environment().get("PRESTO_TRUSTSTORE_PASSWORD"));
        return properties;
    }

    /** TLS that trusts this stack's own CA only (the trust store its Presto clients use). */
    public SSLContext prestoSslContext() {
        try {
            KeyStore trustStore = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(Paths.get(environment().get("PRESTO_TRUSTSTORE")))) {
                trustStore.load(in, environment().get("PRESTO_TRUSTSTORE_PASSWORD").toCharArray());
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read Presto's trust store " + environment().get("PRESTO_TRUSTSTORE"), e);
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load Presto's trust store " + environment().get("PRESTO_TRUSTSTORE") + ": " + e, e);
        }
    }

    /** The {@code Authorization} header value of {@code user}'s Presto login (HTTP basic, its password). */
    public String prestoBasicAuthorization(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + prestoPassword(user)).getBytes(StandardCharsets.UTF_8));
    }

    /** A GET of Presto's REST API ({@code path}, e.g. {@code /v1/cluster}) as lake-viewer: the status and body. */
    public HttpResponse<String> prestoRest(String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(prestoSslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + environment().get("PRESTO_PORT") + path))
                .header("Authorization", prestoBasicAuthorization("lake-viewer")).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A JDBC connection to this Presto ({@link #prestoJdbcUrl}) as {@code user}, logged in with its password. */
    public Connection presto(String user) throws SQLException {
        return DriverManager.getConnection(prestoJdbcUrl(), prestoProperties(user));
    }

    /** Folder holding the {@code core-site.xml} and {@code hdfs-site.xml} a client of this HDFS needs. */
    public Path hadoopConfDir() {
        return Paths.get(environment().get("HADOOP_CONF_DIR"));
    }

    /** A port of this stack's range that no service uses, e.g. for an API under test. */
    public int apiPort() {
        return Integer.parseInt(environment().get("API_PORT"));
    }

    /** {@code http://127.0.0.1:port} of the lake service ({@link Service#STREAMING}); {@code GET /health} answers 200 while it is healthy. */
    public String lakeServiceUrl() {
        return environment().get("LAKE_SERVICE_URL");
    }

    /** The port of the lake service ({@link Service#STREAMING}): base + 55. */
    public int lakeServicePort() {
        return Integer.parseInt(environment().get("LAKE_SERVICE_PORT"));
    }

    /**
     * The lake service's operator token, from the owner-only file that {@code scripts/stack.sh start}
     * makes ({@code LAKE_OPERATOR_TOKEN_FILE}): what a test sends as {@code Authorization: Bearer ...}.
     */
    public String operatorToken() {
        return secret(Paths.get(environment().get("LAKE_OPERATOR_TOKEN_FILE")));
    }

    /** The password of MQTT user {@code user} (lake-service, lake-operator, lake-viewer), from its secret file. */
    public String mqttPassword(String user) {
        requireNonNull(user, "user is null");
        return secret(Paths.get(environment().get("LAKE_SECRETS_DIR")).resolve("mqtt-" + user + ".password"));
    }

    /** The first line of a secret file, read as the stack's own processes read it. */
    public static String secret(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the secret " + file + " (made by scripts/stack.sh start)", e);
        }
    }

    public Path repoRoot() {
        return repoRoot;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path logDir() {
        return Paths.get(environment().get("LAKE_LOG_DIR"));
    }

    private String port(int offset) {
        return Integer.toString(portBase + offset);
    }

    /** Stops what an earlier run may have left in this state folder, then starts from nothing. */
    private void reset() {
        stopAll();
        if (Files.exists(stateDir)) {
            try (Stream<Path> paths = Files.walk(stateDir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot clear the test stack's state folder " + stateDir, e);
            }
        }
    }

    private List<String> runScript(Map<String, String> extraEnvironment, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(repoRoot.resolve("scripts/stack.sh").toString());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot.toFile()).redirectErrorStream(true);
        builder.environment().putAll(baseEnvironment);
        builder.environment().putAll(extraEnvironment);
        List<String> output = new ArrayList<>();
        Deque<String> tail = new ArrayDeque<>();
        try {
            Process process = builder.start();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                    if (!arguments.get(0).equals("env")) {
                        System.out.println("[local-stack] " + line);
                    }
                    tail.addLast(line);
                    if (tail.size() > 40) {
                        tail.removeFirst();
                    }
                }
            }
            if (!process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("scripts/stack.sh " + arguments + " did not finish within " + SCRIPT_TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("scripts/stack.sh " + String.join(" ", arguments) + " failed with exit code "
                        + process.exitValue() + ":\n" + String.join("\n", tail));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run scripts/stack.sh " + arguments, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running scripts/stack.sh " + arguments, e);
        }
    }

    private static Path findRepoRoot() {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/stack.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("Cannot find the repository root (no scripts/stack.sh above " + Paths.get("").toAbsolutePath()
                    + "); set -Dlake.repo.root");
        }
        return dir;
    }
}
