package dev.bankinglake.stack.compose;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.EventContract;
import dev.bankinglake.contract.LakeTable;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml runs the same stack as scripts/stack.sh: the default ports of
 * scripts/lib/env.sh, the contract's topic, the same lake paths and table folders, the same
 * Presto and metastore config files rendered by the same renderer, and the same Kafka and HDFS
 * settings apart from addresses and folders.
 */
class ComposeMatchesLocalStackTest {
    private static final Pattern XML_PROPERTY = Pattern.compile(
            "<property>\\s*<name>([^<]+)</name>\\s*<value>([^<]*)</value>\\s*</property>");

    private final ComposeFile compose = ComposeFile.load();
    private final Path repo = compose.repo();
    private final Map<String, String> local = LocalStackSettings.defaults(repo);

    @Test
    void servicesListenOnTheDefaultPortsOfTheLocalStack() {
        assertThat(local).as("defaults of scripts/lib/env.sh")
                .containsEntry("API_PORT", "5000").containsEntry("PRESTO_PORT", "8080").containsEntry("KAFKA_PORT", "9092")
                .containsEntry("HDFS_PORT", "8020").containsEntry("METASTORE_PORT", "9083").containsEntry("LAKE_SERVICE_PORT", "5050").containsEntry("MQTT_PORT", "1883");

        assertThat(compose.environment("api")).containsEntry("API_PORT", local.get("API_PORT"))
                .containsEntry("KAFKA_BOOTSTRAP", "kafka:" + local.get("KAFKA_PORT"));
        assertThat(compose.ports("api")).extracting(ComposeFile.PublishedPort::containerPort).containsExactly(local.get("API_PORT"));
        assertThat(compose.environment("presto")).containsEntry("PRESTO_PORT", local.get("PRESTO_PORT"))
                .containsEntry("METASTORE_URI", "thrift://metastore:" + local.get("METASTORE_PORT"));
        assertThat(compose.ports("presto")).extracting(ComposeFile.PublishedPort::containerPort).containsExactly(local.get("PRESTO_PORT"));
        assertThat(compose.environment("kafka").get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://kafka:" + local.get("KAFKA_PORT"));
        assertThat(compose.environment("metastore")).containsEntry("METASTORE_PORT", local.get("METASTORE_PORT"));
        assertThat(compose.environment("streaming")).containsEntry("LAKE_SERVICE_PORT", local.get("LAKE_SERVICE_PORT"))
                .containsEntry("MQTT_URI", "tcp://mosquitto:" + local.get("MQTT_PORT"));
        assertThat(compose.service("mosquitto").get("image")).as("the project's Mosquitto image").isEqualTo("banking-lake/mosquitto:0.1.0");
        assertThat(compose.ports("streaming")).extracting(ComposeFile.PublishedPort::containerPort).containsExactly(local.get("LAKE_SERVICE_PORT"));
        assertThat(compose.environment("streaming"))
                .containsEntry("KAFKA_BOOTSTRAP", "kafka:" + local.get("KAFKA_PORT"))
                .containsEntry("METASTORE_URI", "thrift://metastore:" + local.get("METASTORE_PORT"));
        assertThat(URI.create(compose.environment("streaming").get("LAKE_ROOT")).getPort()).as("HDFS port of LAKE_ROOT")
                .isEqualTo(Integer.parseInt(local.get("HDFS_PORT")));
        assertThat(xmlProperties(repo.resolve("docker/hadoop/core-site.xml"))).as("docker/hadoop/core-site.xml")
                .containsEntry("fs.defaultFS", "hdfs://namenode:" + local.get("HDFS_PORT"));
    }

    @Test
    void everyServiceUsesTheContractTopic() throws IOException {
        assertThat(local.get("EVENTS_TOPIC")).as("EVENTS_TOPIC of scripts/lib/env.sh").isEqualTo(EventContract.DEFAULT_TOPIC);
        for (String service : List.of("api", "streaming", "kafka")) {
            assertThat(compose.environment(service)).as("environment of %s", service).containsEntry("EVENTS_TOPIC", EventContract.DEFAULT_TOPIC);
        }
        assertThat(compose.environment("kafka"))
                .containsEntry("EVENTS_PARTITIONS", local.get("EVENTS_PARTITIONS"))
                .containsEntry("KAFKA_LOG_RETENTION_MS", "-1");
        String healthcheck = Files.readString(repo.resolve("docker/kafka/healthcheck.sh"));
        assertThat(healthcheck).as("docker/kafka/healthcheck.sh creates the topic as scripts/stack.sh does")
                .contains("--create", "--topic \"$EVENTS_TOPIC\"", "--partitions \"$EVENTS_PARTITIONS\"", "--config retention.ms=-1");
        assertThat(Files.readString(repo.resolve("scripts/stack.sh"))).contains("--config retention.ms=-1");
    }

    @Test
    void lakeFoldersAreTheLocalOnes() {
        Map<String, String> streaming = compose.environment("streaming");
        URI composeLake = URI.create(streaming.get("LAKE_ROOT"));
        URI localLake = URI.create(local.get("LAKE_ROOT"));
        assertThat(composeLake.getScheme()).isEqualTo("hdfs");
        assertThat(composeLake.getHost()).isEqualTo("namenode");
        assertThat(composeLake.getPath()).as("lake root path").isEqualTo(localLake.getPath()).isEqualTo("/lake");
        assertThat(URI.create(streaming.get("CHECKPOINT_DIR")).getPath()).as("checkpoint path")
                .isEqualTo(URI.create(local.get("CHECKPOINT_DIR")).getPath());
        assertThat(URI.create(compose.environment("metastore").get("LAKE_WAREHOUSE")).getPath()).as("warehouse path")
                .isEqualTo(URI.create(local.get("LAKE_WAREHOUSE")).getPath());
        for (LakeTable table : LakeTable.values()) {
            assertThat(URI.create(composeLake + "/" + table.tableName()).getPath())
                    .as("folder of table %s", table.tableName())
                    .isEqualTo(URI.create(localLake + "/" + table.tableName()).getPath())
                    .isEqualTo("/lake/" + table.tableName());
        }
    }

    @Test
    void prestoAndTheMetastoreMountTheConfigFilesTheLocalStackRenders() throws IOException {
        String stackScript = Files.readString(repo.resolve("scripts/stack.sh"));
        assertThat(stackScript).as("scripts/stack.sh renders these folders with scripts/lib/render.sh")
                .contains("local etc=\"$LAKE_REPO_ROOT/presto/etc\"", "done < <(find \"$etc\" -type f -print0)",
                        "$LAKE_REPO_ROOT/hive/conf/metastore-site.xml", "lib/render.sh");

        assertThat(bindSources("presto")).contains("./presto/etc");
        assertThat(bindSources("metastore")).contains("./hive/conf");
        // the images carry the renderer itself (docker/Dockerfile copies scripts/lib/render.sh)
        assertThat(Files.readString(repo.resolve("docker/Dockerfile")))
                .contains("COPY scripts/lib/render.sh /opt/lake/scripts/lib/render.sh", "COPY scripts/lib/render.sh scripts/lib/secrets.sh /opt/lake/scripts/lib/");
        assertThat(Files.readString(repo.resolve("docker/presto/entrypoint.sh")))
                .contains("source /opt/lake/scripts/lib/render.sh", "lake_presto_render", "/etc/lake/presto/etc");
        assertThat(Files.readString(repo.resolve("docker/metastore/entrypoint.sh")))
                .contains("source /opt/lake/scripts/lib/render.sh", "lake_render /etc/lake/hive/conf/metastore-site.xml");
    }

    @Test
    void sharedTemplatesRenderWithTheComposeEnvironment() throws IOException {
        List<Path> prestoTemplates;
        try (Stream<Path> files = Files.walk(repo.resolve("presto/etc"))) {
            prestoTemplates = files.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(prestoTemplates).extracting(path -> repo.resolve("presto/etc").relativize(path).toString())
                .contains("config.properties", "node.properties", "jvm.config", "log.properties", "catalog/hive.properties",
                        "catalog/hive_readonly.properties", "access-control.properties", "rules.json");

        List<String> unset = new ArrayList<>();
        Map<String, String> rendered = new LinkedHashMap<>();
        Path metastoreSite = repo.resolve("hive/conf/metastore-site.xml");
        for (Path template : prestoTemplates) {
            collectUnset("presto", template, unset);
        }
        collectUnset("metastore", metastoreSite, unset);
        assertThat(unset).as("placeholders of the shared templates that the compose service does not set").isEmpty();
        // what the entrypoint finds itself (the container's address) stands in as a sample value
        Map<String, String> prestoEnvironment = new LinkedHashMap<>(withDefaults(compose.environment("presto")));
        entrypointDefaults("presto").forEach(name -> prestoEnvironment.putIfAbsent(name, "172.18.0.9"));
        renderSecrets("presto").forEach(name -> prestoEnvironment.putIfAbsent(name, "sample-secret"));
        for (Path template : prestoTemplates) {
            rendered.put(template.getFileName().toString(), LocalStackSettings.render(repo, template, prestoEnvironment));
        }

        Properties catalog = properties(rendered.get("hive.properties"));
        assertThat(catalog.getProperty("connector.name")).isEqualTo("hive-hadoop2");
        assertThat(catalog.getProperty("hive.metastore.uri")).isEqualTo("thrift://metastore:9083");
        for (String resource : catalog.getProperty("hive.config.resources").split(",")) {
            assertThat(bindTargets("presto")).as("Hadoop config file %s of the hive catalog is mounted in presto", resource).contains(resource);
        }
        Properties config = properties(rendered.get("config.properties"));
        assertThat(config.getProperty("http-server.https.port")).isEqualTo("8080");
        assertThat(config.getProperty("http-server.http.enabled")).as("plain HTTP is off").isEqualTo("false");
        assertThat(config.getProperty("http-server.authentication.type")).isEqualTo("CERTIFICATE,PASSWORD");
        assertThat(rendered.get("jvm.config").lines()).as("rendered jvm.config").contains("-Xmx1536m");

        Map<String, String> metastore = xmlProperties(LocalStackSettings.render(repo, metastoreSite, withDefaults(compose.environment("metastore"))));
        assertThat(metastore)
                .containsEntry("metastore.thrift.port", "9083")
                .containsEntry("javax.jdo.option.ConnectionURL", "jdbc:postgresql://postgres:5432/metastore")
                .containsEntry("javax.jdo.option.ConnectionDriverName", "org.postgresql.Driver");
        assertThat(compose.environment("postgres"))
                .containsEntry("POSTGRES_DB", "metastore")
                .containsEntry("POSTGRES_USER", metastore.get("javax.jdo.option.ConnectionUserName"))
                .containsEntry("POSTGRES_PASSWORD", metastore.get("javax.jdo.option.ConnectionPassword"));
    }

    @Test
    void theLakeServiceRunsTheLocalMainClassAndIsProbedOnItsPort() throws IOException {
        String mainClass = "dev.bankinglake.service.LakeService";
        assertThat(Files.readString(repo.resolve("scripts/stack.sh"))).as("scripts/stack.sh").contains("LAKE_SERVICE_MAIN=" + mainClass);
        assertThat(Files.readString(repo.resolve("docker/streaming/entrypoint.sh"))).as("docker/streaming/entrypoint.sh")
                .contains(" " + mainClass).doesNotContain("StreamingJob");
        assertThat(String.valueOf(compose.healthcheck("streaming").get("test"))).as("healthcheck of streaming")
                .contains("http://127.0.0.1:" + local.get("LAKE_SERVICE_PORT") + "/health");
        assertThat(local.get("LAKE_SERVICE_URL")).isEqualTo("http://127.0.0.1:" + local.get("LAKE_SERVICE_PORT"));
    }

    @Test
    void heapSizesFollowTheLocalVariablesWithTheSameDefaults() {
        // compose variable of the service -> the scripts/lib/env.sh variable it takes its value from
        Map<String, Map.Entry<String, String>> heaps = new LinkedHashMap<>();
        heaps.put("kafka", Map.entry("KAFKA_HEAP_OPTS", "KAFKA_HEAP_OPTS"));
        heaps.put("namenode", Map.entry("HDFS_HEAP_OPTS", "HDFS_HEAP_OPTS"));
        heaps.put("datanode", Map.entry("HDFS_HEAP_OPTS", "HDFS_HEAP_OPTS"));
        heaps.put("metastore", Map.entry("JAVA_OPTS", "METASTORE_HEAP_OPTS"));
        heaps.put("presto", Map.entry("PRESTO_HEAP_OPTS", "PRESTO_HEAP_OPTS"));
        heaps.put("api", Map.entry("JAVA_OPTS", "API_HEAP_OPTS"));
        heaps.put("streaming", Map.entry("JAVA_OPTS", "LAKE_SERVICE_HEAP_OPTS"));
        List<String> differences = new ArrayList<>();
        heaps.forEach((service, variables) -> {
            String written = compose.environment(service).get(variables.getKey());
            String expected = "${" + variables.getValue() + ":-" + local.get(variables.getValue()) + "}";
            if (!expected.equals(written)) {
                differences.add(service + ": " + variables.getKey() + "=" + written + ", expected " + expected);
            }
        });
        assertThat(differences).as("heap settings of docker-compose.yml that do not follow scripts/lib/env.sh").isEmpty();
        assertThat(local).as("defaults of scripts/lib/env.sh")
                .containsEntry("KAFKA_HEAP_OPTS", "-Xmx1g -Xms256m").containsEntry("HDFS_HEAP_OPTS", "-Xmx512m")
                .containsEntry("METASTORE_HEAP_OPTS", "-Xmx512m").containsEntry("PRESTO_HEAP_OPTS", "-Xmx1536m")
                .containsEntry("API_HEAP_OPTS", "-Xmx512m").containsEntry("LAKE_SERVICE_HEAP_OPTS", "-Xmx2g");
    }

    @Test
    void hdfsSettingsEqualTheLocalOnesExceptAddressesAndFolders() throws IOException {
        Map<String, String> localSite = xmlProperties(repo.resolve("local-stack/conf/hadoop/hdfs-site.xml"));
        Map<String, String> composeSite = xmlProperties(repo.resolve("docker/hadoop/hdfs-site.xml"));
        assertThat(composeSite.keySet()).as("docker/hadoop/hdfs-site.xml sets every property of the local one")
                .containsAll(localSite.keySet().stream().filter(name -> !name.equals("dfs.datanode.hostname")).toList());
        List<String> differences = new ArrayList<>();
        localSite.forEach((name, value) -> {
            boolean addressOrFolder = value.contains("${") || value.contains("127.0.0.1");
            if (!addressOrFolder && !value.equals(composeSite.get(name))) {
                differences.add(name + ": local " + value + ", compose " + composeSite.get(name));
            }
        });
        assertThat(differences).isEmpty();
    }

    @Test
    void kafkaSettingsEqualTheLocalOnesExceptAddressesAndFolders() throws IOException {
        Properties server = properties(Files.readString(repo.resolve("local-stack/conf/kafka/server.properties")));
        Set<String> addressesAndFolders = Set.of("listeners", "advertised.listeners", "controller.quorum.voters", "log.dirs");
        Map<String, String> kafka = compose.environment("kafka");
        List<String> differences = new ArrayList<>();
        for (String name : server.stringPropertyNames()) {
            if (addressesAndFolders.contains(name)) {
                assertThat(kafka).as("compose sets %s for its own network", name).containsKey(environmentName(name));
                continue;
            }
            String expected = withLocalDefaults(server.getProperty(name));
            String actual = kafka.get(environmentName(name));
            if (!expected.equals(actual)) {
                differences.add(name + ": local " + expected + ", compose " + environmentName(name) + "=" + actual);
            }
        }
        assertThat(differences).as("Kafka settings of local-stack/conf/kafka/server.properties that compose sets differently").isEmpty();
    }

    @Test
    void theKafkaImageMakesTheLocalSettingsOfTheComposeEnvironment() throws Exception {
        // what docker/kafka/entrypoint.sh hands the broker: the image's own conversion, run on the
        // compose file's environment (${VAR:-default} taken at its default, as compose does when unset)
        Map<String, String> environment = new LinkedHashMap<>();
        compose.environment("kafka").forEach((name, value) -> environment.put(name, value.replaceAll("^\\$\\{\\w+:-(.*)}$", "$1")));
        ProcessBuilder builder = new ProcessBuilder("bash", repo.resolve("docker/kafka/server-properties.sh").toString()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("docker/kafka/server-properties.sh exit status; output:%n%s", output).isZero();
        Properties broker = properties(output);

        Properties server = properties(Files.readString(repo.resolve("local-stack/conf/kafka/server.properties")));
        Set<String> addressesAndFolders = Set.of("listeners", "advertised.listeners", "controller.quorum.voters", "log.dirs");
        List<String> differences = new ArrayList<>();
        for (String name : server.stringPropertyNames()) {
            String expected = addressesAndFolders.contains(name) ? broker.getProperty(name) : withLocalDefaults(server.getProperty(name));
            if (broker.getProperty(name) == null || !broker.getProperty(name).equals(expected)) {
                differences.add(name + ": local " + expected + ", the image's " + broker.getProperty(name));
            }
        }
        assertThat(differences).as("settings of local-stack/conf/kafka/server.properties that the Kafka image makes differently").isEmpty();
        assertThat(broker).as("the image's server.properties").containsEntry("log.dirs", "/var/lib/kafka/data")
                .containsEntry("advertised.listeners", "PLAINTEXT://kafka:9092")
                .doesNotContainKey("heap.opts").doesNotContainKey("events.topic");
    }

    private void collectUnset(String service, Path template, List<String> unset) throws IOException {
        Map<String, String> environment = compose.environment(service);
        Set<String> entrypointDefaults = new java.util.HashSet<>(entrypointDefaults(service));
        entrypointDefaults.addAll(renderSecrets(service));
        for (String name : LocalStackSettings.placeholders(Files.readString(template))) {
            if (!environment.containsKey(name) && !entrypointDefaults.contains(name)) {
                unset.add(service + ": ${" + name + "} of " + repo.relativize(template));
            }
        }
    }

    /** Variables the service's entrypoint (docker/SERVICE/entrypoint.sh) exports with a default of its own. */
    private Set<String> entrypointDefaults(String service) throws IOException {
        Path entrypoint = repo.resolve("docker/" + service + "/entrypoint.sh");
        if (!Files.exists(entrypoint)) {
            return Set.of();
        }
        Matcher matcher = Pattern.compile("(?m)^export (\\w+)=\"\\$\\{\\1:-").matcher(Files.readString(entrypoint));
        Set<String> names = new java.util.HashSet<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    /**
     * The secrets lake_presto_render (scripts/lib/secrets.sh) hands the renderer alone, when the
     * service's entrypoint renders with it.
     */
    private Set<String> renderSecrets(String service) throws IOException {
        Path entrypoint = repo.resolve("docker/" + service + "/entrypoint.sh");
        if (!Files.exists(entrypoint) || !Files.readString(entrypoint).contains("lake_presto_render \"$template\"")) {
            return Set.of();
        }
        String secrets = Files.readString(repo.resolve("scripts/lib/secrets.sh"));
        String body = secrets.substring(secrets.indexOf("lake_presto_render() {"));
        body = body.substring(0, body.indexOf("\n}\n"));
        Matcher matcher = Pattern.compile("(?m)^\\s*\\(?\\s*(PRESTO_\\w+)=").matcher(body);
        Set<String> names = new java.util.HashSet<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        assertThat(names).as("what lake_presto_render sets").isNotEmpty();
        return names;
    }

    /** The environment as compose passes it when nothing is set on the host: ${NAME:-default} is default. */
    private static Map<String, String> withDefaults(Map<String, String> environment) {
        Map<String, String> resolved = new LinkedHashMap<>();
        environment.forEach((name, value) -> resolved.put(name, ComposeFile.withDefaults(value)));
        return resolved;
    }

    private List<String> bindSources(String service) {
        return compose.mounts(service).stream().filter(ComposeFile.Mount::bind).map(ComposeFile.Mount::source).toList();
    }

    private List<String> bindTargets(String service) {
        return compose.mounts(service).stream().filter(ComposeFile.Mount::bind).map(ComposeFile.Mount::target).toList();
    }

    private String withLocalDefaults(String value) {
        Matcher matcher = Pattern.compile("\\$\\{(\\w+)}").matcher(value);
        return matcher.replaceAll(result -> Matcher.quoteReplacement(local.getOrDefault(result.group(1), result.group())));
    }

    /** The Kafka image (docker/kafka/server-properties.sh) maps KAFKA_A_B_C to a.b.c. */
    private static String environmentName(String property) {
        return "KAFKA_" + property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    private static Properties properties(String text) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return properties;
    }

    private static Map<String, String> xmlProperties(Path file) {
        try {
            return xmlProperties(Files.readString(file));
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> xmlProperties(String xml) {
        Map<String, String> properties = new LinkedHashMap<>();
        XML_PROPERTY.matcher(xml).results().forEach(result -> properties.put(result.group(1).trim(), result.group(2).trim()));
        return properties;
    }
}
