package dev.bankinglake.lake.it;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.stack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/** What every streaming IT needs: its own topic, lake root, checkpoint and Hive database on the stack. */
final class LakeTestSupport {
    final LocalStack stack;
    final String run;
    final String topic;
    final String database;
    final String lakeRoot;
    final String checkpointDir;

    LakeTestSupport(LocalStack stack, String testName) {
        this.stack = stack;
        this.run = testName + "_" + UUID.randomUUID().toString().substring(0, 8);
        this.topic = "it-" + run.replace('_', '-');
        this.database = run.toLowerCase();
        this.lakeRoot = stack.hdfsUri() + "/it/" + run + "/lake";
        this.checkpointDir = stack.hdfsUri() + "/it/" + run + "/checkpoint";
    }

    Map<String, String> jobEnvironment(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(stack.environment());
        env.put("EVENTS_TOPIC", topic);
        env.put("LAKE_ROOT", lakeRoot);
        env.put("CHECKPOINT_DIR", checkpointDir);
        env.put("HIVE_DATABASE", database);
        env.put("HADOOP_CONF_DIR", stack.hadoopConfDir().toString());
        env.put("SPARK_MASTER", "local[2]");
        env.put("TRIGGER_INTERVAL", "1 second");
        env.put("LAKE_SERVICE_PORT", Integer.toString(freePort()));
        // MQTT only for the tests that ask for it (and start Mosquitto)
        env.remove("MQTT_URI");
        env.putAll(overrides);
        return env;
    }

    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException("No free port for the lake service", e);
        }
    }

    JobProcess job(String name, Map<String, String> overrides) {
        return new JobProcess(run + "-" + name, jobEnvironment(overrides), java.nio.file.Paths.get("target", "it-logs"));
    }

    void createTopic(int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    KafkaProducer<String, String> producer() {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(properties);
    }

    Connection presto() throws SQLException {
        return stack.presto("lake-viewer");
    }

    String table(LakeTable table) {
        return "hive." + database + "." + table.tableName();
    }

    /** Rows of a query through Presto, each as column name -> value as text. */
    List<Map<String, String>> query(String sql) throws SQLException {
        try (Connection connection = presto(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<Map<String, String>> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                Map<String, String> row = new HashMap<>();
                for (int column = 1; column <= columns; column++) {
                    row.put(result.getMetaData().getColumnLabel(column), result.getString(column));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    long count(String sql) throws SQLException {
        return Long.parseLong(query(sql).get(0).values().iterator().next());
    }

    /** Row count of a table through Presto, or -1 while Presto cannot read it yet. */
    long prestoCount(LakeTable table) {
        try {
            return count("select count(*) from " + table(table));
        }
        catch (SQLException e) {
            return -1;
        }
    }

    /** Row count of any table through Presto, or -1 while Presto cannot read it yet. */
    long prestoCountOf(String qualifiedTable) {
        try {
            return count("select count(*) from " + qualifiedTable);
        }
        catch (SQLException e) {
            return -1;
        }
    }

    FileSystem fileSystem() throws IOException {
        Configuration configuration = new Configuration();
        configuration.addResource(new Path(stack.hadoopConfDir().resolve("core-site.xml").toUri()));
        configuration.addResource(new Path(stack.hadoopConfDir().resolve("hdfs-site.xml").toUri()));
        return FileSystem.get(URI.create(lakeRoot), configuration);
    }

    /** Every file under the lake root, relative to it. */
    List<String> lakeFiles() throws IOException {
        List<String> files = new ArrayList<>();
        FileSystem fileSystem = fileSystem();
        Path root = new Path(lakeRoot);
        if (!fileSystem.exists(root)) {
            return files;
        }
        RemoteIterator<LocatedFileStatus> iterator = fileSystem.listFiles(root, true);
        String prefix = fileSystem.makeQualified(root).toString() + "/";
        while (iterator.hasNext()) {
            files.add(iterator.next().getPath().toString().substring(prefix.length()));
        }
        return files;
    }
}
