package dev.bankinglake.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Presto's file-based access control (presto/etc/rules.json) on the running stack: only the
 * operator, lake-operator, may create, insert into or drop tables of the writable catalog
 * {@code hive}; any other user name reads and is refused every write, in either catalog.
 */
@ExtendWith(LocalStackExtension.class)
class PrestoAccessIT {
    private static final String OPERATOR = "lake-operator";
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TABLE = "hive.default.access_it_" + RUN;

    @Test
    void onlyTheOperatorCreatesInsertsAndDropsInTheWritableCatalog(LocalStack stack) throws Exception {
        // the table's own folder on HDFS (the stack's warehouse folder is made by no one)
        Path folder = new Path(stack.hdfsUri() + "/access-it/" + RUN);
        Configuration conf = new Configuration(false);
        conf.addResource(new Path(stack.hadoopConfDir().resolve("core-site.xml").toUri()));
        conf.addResource(new Path(stack.hadoopConfDir().resolve("hdfs-site.xml").toUri()));
        try (FileSystem fs = FileSystem.newInstance(folder.toUri(), conf)) {
            assertThat(fs.mkdirs(folder)).isTrue();
        }
        String with = " WITH (format = 'PARQUET', external_location = '" + folder + "')";
        try (Connection viewer = DriverManager.getConnection(stack.prestoJdbcUrl(), "lake-viewer", null);
                Connection operator = DriverManager.getConnection(stack.prestoJdbcUrl(), OPERATOR, null);
                Statement asViewer = viewer.createStatement();
                Statement asOperator = operator.createStatement()) {
            assertDenied(asViewer, "CREATE TABLE " + TABLE + " (units bigint)" + with);
            assertThat(count(asOperator, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'default' AND table_name = '"
                    + TABLE.substring(TABLE.lastIndexOf('.') + 1) + "'")).as("the refused CREATE made no table").isZero();

            asOperator.execute("CREATE TABLE " + TABLE + " (units bigint)" + with);
            asOperator.execute("INSERT INTO " + TABLE + " VALUES (3), (7)");
            assertThat(count(asViewer, "SELECT count(*) FROM " + TABLE)).as("the viewer reads").isEqualTo(2);

            assertDenied(asViewer, "INSERT INTO " + TABLE + " VALUES (11)");
            assertDenied(asViewer, "DROP TABLE " + TABLE);
            assertDenied(asViewer, "INSERT INTO " + TABLE.replaceFirst("^hive\\.", "hive_readonly.") + " VALUES (11)");
            assertDenied(asViewer, "CREATE TABLE hive.default.other_" + UUID.randomUUID().toString().substring(0, 8)
                    + " AS SELECT * FROM " + TABLE);
            assertThat(count(asOperator, "SELECT sum(units) FROM " + TABLE)).as("the refused writes changed nothing").isEqualTo(10);

            asOperator.execute("DROP TABLE " + TABLE);
            assertThatThrownBy(() -> count(asOperator, "SELECT count(*) FROM " + TABLE)).hasMessageContaining("does not exist");
        }
    }

    private static void assertDenied(Statement statement, String sql) {
        assertThatThrownBy(() -> statement.execute(sql)).as(sql).isInstanceOf(SQLException.class).hasMessageContaining("Access Denied");
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }
}
