package dev.bankinglake.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Presto's file-based access control (presto/etc/rules.json) on the running stack: only the
 * operator, lake-operator, may create, insert into or drop tables of the writable catalog
 * {@code hive}; any other user name reads and is refused every write, in either catalog. And
 * Presto's authentication: HTTPS only, every user logs in with its password, and a user cannot
 * run a query as another.
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
        try (Connection viewer = stack.presto("lake-viewer");
                Connection operator = stack.presto(OPERATOR);
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

    @Test
    void everyClientLogsInWithItsPasswordOverHttpsOnly(LocalStack stack) throws Exception {
        try (Connection viewer = stack.presto("lake-viewer"); Statement statement = viewer.createStatement()) {
            assertThat(count(statement, "SELECT count(*) FROM (VALUES 1, 2, 3) AS t (x)")).isEqualTo(3);
        }
        Properties noPassword = stack.prestoProperties("lake-operator");
        noPassword.remove("password");
        assertThatThrownBy(() -> DriverManager.getConnection(stack.prestoJdbcUrl(), noPassword).createStatement().executeQuery("SELECT 1"))
                .as("a user name alone").isInstanceOf(SQLException.class).hasStackTraceContaining("Unauthorized");
        Properties wrong = stack.prestoProperties("lake-operator");
        wrong.setProperty("password", stack.prestoPassword("lake-viewer"));
        assertThatThrownBy(() -> DriverManager.getConnection(stack.prestoJdbcUrl(), wrong).createStatement().executeQuery("SELECT 1"))
                .as("another user's password").isInstanceOf(SQLException.class).hasStackTraceContaining("Invalid credentials");

        // the viewer, logged in with its own password, asks to run a query as the operator
        HttpClient https = HttpClient.newBuilder().sslContext(stack.prestoSslContext()).connectTimeout(Duration.ofSeconds(5)).build();
        String viewerLogin = stack.prestoBasicAuthorization("lake-viewer");
        URI statementUri = URI.create("https://127.0.0.1:" + stack.environment().get("PRESTO_PORT") + "/v1/statement");
        String answer = https.send(HttpRequest.newBuilder(statementUri).header("Authorization", viewerLogin).header("X-Presto-User", "lake-operator")
                .POST(HttpRequest.BodyPublishers.ofString("SELECT 1")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (int page = 0; page < 50 && answer.contains("\"nextUri\""); page++) {
            String next = answer.replaceAll("(?s).*\"nextUri\":\"([^\"]+)\".*", "$1");
            Thread.sleep(100);
            answer = https.send(HttpRequest.newBuilder(URI.create(next)).header("Authorization", viewerLogin).header("X-Presto-User", "lake-operator")
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        assertThat(answer).as("the viewer may not become the operator").contains("Principal lake-viewer cannot become user lake-operator");
        HttpResponse<String> anonymous = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + stack.environment().get("PRESTO_PORT")
                + "/v1/info")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).as("even /v1/info needs a login").isEqualTo(401);

        // plain HTTP on Presto's port: the TLS server answers no HTTP request
        try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(stack.environment().get("PRESTO_PORT")))) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Presto-User: lake-operator\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] reply = new byte[64];
            int read;
            try {
                read = socket.getInputStream().read(reply);
            }
            catch (IOException e) {
                read = -1;
            }
            String text = read <= 0 ? "" : new String(reply, 0, read, StandardCharsets.ISO_8859_1);
            assertThat(text).as("plain HTTP gets no HTTP answer").doesNotStartWith("HTTP/1.1 200");
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
