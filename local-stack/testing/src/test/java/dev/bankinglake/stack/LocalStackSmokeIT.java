package dev.bankinglake.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves the four services of the local stack are real and wired together. */
@ExtendWith(LocalStackExtension.class)
class LocalStackSmokeIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void kafkaTakesAndGivesBackARecord(LocalStack stack) throws Exception {
        String topic = "smoke_" + RUN;
        Map<String, Object> common = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        try (Admin admin = Admin.create(common)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            assertThat(admin.listTopics().names().get()).contains(topic, "events");
        }
        Properties producerConfig = new Properties();
        producerConfig.putAll(common);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        RecordMetadata written;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            written = producer.send(new ProducerRecord<>(topic, "ann", "{\"hello\":\"lake\"}")).get();
        }
        Properties consumerConfig = new Properties();
        consumerConfig.putAll(common);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + RUN);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(read::add);
            }
        }
        assertThat(read).as("records read back from topic %s within 60s", topic).hasSize(1);
        assertThat(read.get(0).key()).isEqualTo("ann");
        assertThat(read.get(0).value()).isEqualTo("{\"hello\":\"lake\"}");
        assertThat(read.get(0).offset()).isEqualTo(written.offset());
        System.out.println("smoke: kafka at " + stack.kafkaBootstrap() + " produced and consumed offset " + written.offset());
    }

    @Test
    void hdfsStoresAndListsAFile(LocalStack stack) throws Exception {
        Path folder = new Path(stack.hdfsUri() + "/smoke/files-" + RUN);
        try (FileSystem fs = FileSystem.newInstance(folder.toUri(), hadoopConfiguration(stack))) {
            try (FSDataOutputStream out = fs.create(new Path(folder, "hello.txt"))) {
                out.writeBytes("hello lake\n");
            }
            FileStatus[] listed = fs.listStatus(folder);
            assertThat(listed).extracting(status -> status.getPath().getName()).containsExactly("hello.txt");
            assertThat(listed[0].getLen()).isEqualTo(11);
            System.out.println("smoke: hdfs at " + stack.hdfsUri() + " stored and listed " + listed[0].getPath());
        }
    }

    @Test
    void prestoReadsAParquetTableRegisteredInTheMetastore(LocalStack stack) throws Exception {
        String table = "smoke_accounts_" + RUN;
        Path folder = new Path(stack.hdfsUri() + "/smoke/" + table);
        MessageType schema = MessageTypeParser.parseMessageType(
                "message account { required binary user_id (UTF8); required int64 units; }");
        Configuration conf = hadoopConfiguration(stack);
        try (FileSystem fs = FileSystem.newInstance(folder.toUri(), conf)) {
            fs.mkdirs(folder);
            SimpleGroupFactory groups = new SimpleGroupFactory(schema);
            try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new Path(folder, "part-0.parquet"))
                    .withConf(conf).withType(schema).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
                writer.write(groups.newGroup().append("user_id", "ann").append("units", 3L));
                writer.write(groups.newGroup().append("user_id", "bob").append("units", 7L));
            }
        }

        try (Connection presto = stack.presto("lake-operator");
                Statement statement = presto.createStatement()) {
            statement.execute("CREATE TABLE hive.default." + table + " (user_id varchar, units bigint) "
                    + "WITH (format = 'PARQUET', external_location = '" + folder + "')");
            assertThat(column(statement, "SHOW TABLES FROM hive.default LIKE '" + table + "'")).containsExactly(table);
            assertThat(column(statement, "SELECT user_id || ':' || CAST(units AS varchar) FROM " + table + " ORDER BY user_id"))
                    .containsExactly("ann:3", "bob:7");
            assertThat(column(statement, "SELECT CAST(count(*) AS varchar) FROM system.runtime.nodes WHERE state = 'active'"))
                    .containsExactly("1");
        }
        System.out.println("smoke: metastore at " + stack.metastoreUri() + " registered " + table
                + "; presto at " + stack.prestoJdbcUrl() + " read its 2 rows from " + folder);
    }

    private static List<String> column(Statement statement, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static Configuration hadoopConfiguration(LocalStack stack) throws IOException {
        Configuration conf = new Configuration(false);
        conf.addResource(new Path(stack.hadoopConfDir().resolve("core-site.xml").toUri()));
        conf.addResource(new Path(stack.hadoopConfDir().resolve("hdfs-site.xml").toUri()));
        return conf;
    }
}
