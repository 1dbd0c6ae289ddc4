package dev.bankinglake.stack.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static checks of docker-compose.cluster.yml, the override that gives compose the cluster shape of
 * scripts/stack.sh --cluster: three Kafka nodes, scalable DataNodes, Presto workers and Spark
 * workers, and the lake service's driver on the Spark master. Needs no Docker.
 */
class ClusterComposeFileTest {
    private static final String FILE_NAME = "docker-compose.cluster.yml";
    private static final Pattern XML_PROPERTY = Pattern.compile("<name>([^<]+)</name>\\s*<value>([^<]*)</value>");
    private static final List<String> KAFKA_NODES = List.of("kafka", "kafka-2", "kafka-3");
    private static final List<String> SCALABLE = List.of("datanode", "presto-worker", "spark-worker");

    private final ComposeFile cluster = ComposeFile.load(FILE_NAME);
    private final ComposeFile base = ComposeFile.load();
    private final Path repo = ComposeFile.repoRoot();

    @Test
    void addsTheClusterNodesToTheFlow() {
        assertThat(cluster.services().keySet()).containsAll(List.of("kafka-2", "kafka-3", "presto-worker", "spark-master", "spark-worker"));
        assertThat(base.services().keySet()).as("the override only changes or adds services of docker-compose.yml")
                .containsAll(cluster.services().keySet().stream().filter(name -> cluster.image(name).isEmpty()).toList());
    }

    @Test
    void everyAddedServiceIsPinnedHealthCheckedAndRestarted() {
        List<String> problems = new ArrayList<>();
        for (String service : cluster.services().keySet()) {
            if (base.services().containsKey(service)) {
                continue;
            }
            String image = cluster.image(service).orElse("");
            if (!image.matches("[\\w./-]+:[\\w.-]+") || image.endsWith(":latest")) {
                problems.add(service + ": image '" + image + "' is not pinned to a tag");
            }
            if (cluster.healthcheck(service).get("test") == null) {
                problems.add(service + ": no health check");
            }
            if (!String.valueOf(cluster.service(service).get("restart")).equals("unless-stopped")) {
                problems.add(service + ": restart policy " + cluster.service(service).get("restart"));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void workerServicesScale() {
        for (String service : SCALABLE) {
            Map<?, ?> deploy = (Map<?, ?>) cluster.service(service).get("deploy");
            assertThat(deploy).as("deploy of %s", service).isNotNull();
            assertThat(String.valueOf(deploy.get("replicas"))).as("replicas of %s", service).matches("\\$\\{\\w+:-[1-9]\\d*}");
            assertThat(cluster.service(service)).as("%s", service).doesNotContainKey("container_name");
            assertThat(cluster.ports(service)).as("published ports of %s (replicas would collide)", service).isEmpty();
            for (ComposeFile.Mount mount : cluster.mounts(service)) {
                assertThat(mount.bind() || mount.source().equals("null"))
                        .as("%s mounts %s -> %s: a named volume would be shared by its replicas", service, mount.source(), mount.target())
                        .isTrue();
            }
        }
        assertThat(cluster.mounts("datanode")).as("the DataNodes' replicas each keep blocks in a volume of their own")
                .anySatisfy(mount -> assertThat(mount.target()).isEqualTo("/data"));
        assertThat(base.mounts("datanode")).anySatisfy(mount -> assertThat(mount.target()).isEqualTo("/data"));
    }

    @Test
    void threeKafkaNodesFormOneQuorumAndReplicateEveryTopicThreeTimes() {
        List<String> ids = new ArrayList<>();
        for (String node : KAFKA_NODES) {
            Map<String, String> environment = cluster.environment(node);
            ids.add(environment.get("KAFKA_NODE_ID"));
            assertThat(environment).as("environment of %s", node)
                    .containsEntry("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093")
                    .containsEntry("KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://" + node + ":9092")
                    .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3")
                    .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "3")
                    .containsEntry("EVENTS_REPLICATION_FACTOR", "3")
                    .containsEntry("EVENTS_MIN_INSYNC_REPLICAS", "2")
                    .containsEntry("CLUSTER_ID", cluster.environment("kafka").get("CLUSTER_ID"));
            assertThat(environment.get("CLUSTER_ID")).as("a cluster id as kafka-storage random-uuid prints it").matches("[A-Za-z0-9_-]{22}");
        }
        assertThat(ids).containsExactly("1", "2", "3");
        String healthcheck = read("docker/kafka/healthcheck.sh");
        assertThat(healthcheck).as("the healthcheck creates the topic with the cluster's replication")
                .contains("--replication-factor \"${EVENTS_REPLICATION_FACTOR:-1}\"", "min.insync.replicas=\"${EVENTS_MIN_INSYNC_REPLICAS:-1}\"");
        // a killed container vanishes without a TCP reset: twice the local cluster's wait (docker-compose.cluster.yml says why)
        assertThat(cluster.environment("api")).as("the API waits for a lost node's partitions to move")
                .containsEntry("API_KAFKA_TIMEOUT_MS", "20000");
        assertThat(read("scripts/lib/cluster.sh")).contains("API_KAFKA_TIMEOUT_MS:-10000");
        assertThat(read("docker/presto/entrypoint.sh")).contains("query-manager.required-workers-max-wait=${PRESTO_WORKERS_MAX_WAIT:-10s}");
        for (String client : List.of("api", "streaming")) {
            assertThat(cluster.environment(client)).as("%s bootstraps from every node", client)
                    .containsEntry("KAFKA_BOOTSTRAP", "kafka:9092,kafka-2:9092,kafka-3:9092");
        }
    }

    @Test
    void kafkaNodesHaveTheSettingsOfTheLocalClusterNodes() throws IOException {
        Properties local = new Properties();
        local.load(new StringReader(read("local-stack/conf/cluster/kafka/server.properties")));
        Set<String> perNodeOrAddress = Set.of("node.id", "controller.quorum.voters", "listeners", "advertised.listeners", "log.dirs");
        Map<String, String> environment = cluster.environment("kafka-2");
        Map<String, String> baseKafka = base.environment("kafka");
        List<String> differences = new ArrayList<>();
        for (String name : local.stringPropertyNames()) {
            String variable = "KAFKA_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
            if (perNodeOrAddress.contains(name)) {
                assertThat(environment).as("compose sets %s for its own network", name).containsKey(variable);
                continue;
            }
            String expected = local.getProperty(name)
                    .replace("${EVENTS_PARTITIONS}", "3")
                    .replace("${EVENTS_REPLICATION_FACTOR}", "3")
                    .replace("${EVENTS_MIN_INSYNC_REPLICAS}", "2");
            String actual = environment.getOrDefault(variable, baseKafka.get(variable));
            if (!expected.equals(actual)) {
                differences.add(name + ": local " + expected + ", compose " + variable + "=" + actual);
            }
        }
        assertThat(differences).as("settings of local-stack/conf/cluster/kafka/server.properties that compose sets differently").isEmpty();
    }

    @Test
    void everyHdfsClientAndNodeWritesTwoCopies() {
        Map<String, String> single = xmlProperties(read("docker/hadoop/hdfs-site.xml"));
        Map<String, String> twoCopies = xmlProperties(read("docker/hadoop/hdfs-site.cluster.xml"));
        assertThat(twoCopies).containsEntry("dfs.replication", "2");
        Map<String, String> rest = new LinkedHashMap<>(twoCopies);
        rest.put("dfs.replication", single.get("dfs.replication"));
        assertThat(rest).as("docker/hadoop/hdfs-site.cluster.xml is docker/hadoop/hdfs-site.xml but for dfs.replication").isEqualTo(single);
        List<String> users = new ArrayList<>();
        for (String service : base.services().keySet()) {
            if (base.mounts(service).stream().anyMatch(mount -> mount.target().equals("/etc/lake/hadoop/hdfs-site.xml"))) {
                users.add(service);
            }
        }
        users.addAll(List.of("presto-worker", "spark-worker"));
        for (String service : users) {
            assertThat(cluster.mounts(service)).as("hdfs-site.xml of %s", service)
                    .anySatisfy(mount -> {
                        assertThat(mount.source()).isEqualTo("./docker/hadoop/hdfs-site.cluster.xml");
                        assertThat(mount.target()).isEqualTo("/etc/lake/hadoop/hdfs-site.xml");
                        assertThat(mount.readOnly()).isTrue();
                    });
        }
    }

    @Test
    void prestoSplitsIntoACoordinatorAndWorkers() {
        assertThat(cluster.environment("presto")).containsEntry("PRESTO_ROLE", "coordinator");
        assertThat(cluster.environment("presto-worker")).containsEntry("PRESTO_ROLE", "worker")
                .containsEntry("PRESTO_COORDINATOR_URL", "https://presto:8080");
        assertThat(cluster.image("presto-worker")).isEqualTo(base.image("presto"));
        assertThat(read("docker/presto/entrypoint.sh")).as("docker/presto/entrypoint.sh")
                .contains("node-scheduler.include-coordinator=false", "coordinator=false", "discovery.uri=$PRESTO_COORDINATOR_URL",
                        "node.id=$(hostname)");
        assertThat(read("scripts/stack.sh") + read("scripts/lib/cluster.sh")).as("scripts/stack.sh --cluster does the same locally")
                .contains("node-scheduler.include-coordinator=false", "coordinator=false");
    }

    @Test
    void theLakeServiceDrivesTheSparkMasterThatTheWorkersJoin() {
        assertThat(cluster.environment("streaming")).containsEntry("SPARK_MASTER", "spark://spark-master:7077");
        assertThat(cluster.environment("spark-worker")).containsEntry("SPARK_MASTER_URL", "spark://spark-master:7077");
        assertThat(cluster.image("spark-master")).isEqualTo(base.image("streaming"));
        assertThat(cluster.image("spark-worker")).isEqualTo(base.image("streaming"));
        String entrypoint = read("docker/spark/entrypoint.sh");
        String local = read("scripts/lib/cluster.sh");
        for (String mainClass : List.of("org.apache.spark.deploy.master.Master", "org.apache.spark.deploy.worker.Worker")) {
            assertThat(entrypoint).as("docker/spark/entrypoint.sh").contains(mainClass);
            assertThat(local).as("scripts/lib/cluster.sh").contains(mainClass);
        }
        assertThat(entrypoint).contains("SPARK_HOME=", "SPARK_SCALA_VERSION=2.13", "/app/jvm-options.txt");
        assertThat(read("docker/streaming/entrypoint.sh")).as("the driver in client mode")
                .contains("spark://*", "-Dspark.driver.host=", "-Dspark.executor.extraJavaOptions=", "-Dspark.jars=");
        assertThat(String.valueOf(cluster.dependsOn("streaming"))).contains("spark-worker", "kafka-2", "kafka-3");
        assertThat(String.valueOf(cluster.healthcheck("spark-master").get("test"))).contains("aliveworkers");
    }

    @Test
    void namedVolumesOfTheOverrideAreDeclared() {
        List<String> used = new ArrayList<>();
        for (String service : cluster.services().keySet()) {
            cluster.mounts(service).stream().filter(mount -> !mount.bind() && !mount.source().equals("null"))
                    .forEach(mount -> used.add(mount.source()));
        }
        assertThat(cluster.namedVolumes().keySet()).containsExactlyInAnyOrderElementsOf(used);
    }

    private String read(String path) {
        try {
            return Files.readString(repo.resolve(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> xmlProperties(String xml) {
        Map<String, String> properties = new LinkedHashMap<>();
        XML_PROPERTY.matcher(xml).results().forEach(result -> properties.put(result.group(1).trim(), result.group(2).trim()));
        return properties;
    }
}
