package dev.bankinglake.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Presto's file-based access control (presto/etc) as Presto reads it: catalog rules, first match
 * wins, regexes match the whole name, no match means no access. The analytics routes' user may
 * read the read-only catalog and nothing else; the operator has the writable catalog; every other
 * user may read every catalog and write none.
 */
class PrestoAccessRulesTest {
    private static final Path PRESTO_ETC = Path.of("..", "presto", "etc");

    private static String access(JsonNode rules, String user, String catalog) {
        for (JsonNode rule : rules.path("catalogs")) {
            if (matches(rule, "user", user) && matches(rule, "catalog", catalog)) {
                return rule.path("allow").asText();
            }
        }
        return "none";
    }

    private static boolean matches(JsonNode rule, String field, String value) {
        return !rule.has(field) || Pattern.compile(rule.get(field).asText()).matcher(value).matches();
    }

    @Test
    void theAnalyticsUserReadsTheReadOnlyCatalogOnly() throws Exception {
        JsonNode rules = new ObjectMapper().readTree(PRESTO_ETC.resolve("rules.json").toFile());
        assertThat(access(rules, PrestoAnalytics.USER, "hive_readonly")).isEqualTo("read-only");
        assertThat(access(rules, PrestoAnalytics.USER, "hive")).isEqualTo("none");
        assertThat(access(rules, PrestoAnalytics.USER, "system")).isEqualTo("none");
        assertThat(access(rules, "lake-operator", "hive")).isEqualTo("all");
        assertThat(access(rules, "banking-lake", "hive")).isEqualTo("read-only");
        assertThat(access(rules, "banking-lake", "hive_readonly")).isEqualTo("read-only");
        assertThat(access(rules, "lake-operator-2", "hive")).as("the user regex matches the whole name").isEqualTo("read-only");
        assertThat(access(rules, "lake-analytics-2", "hive")).as("the user regex matches the whole name").isEqualTo("read-only");
    }

    @Test
    void theRulesAreTheFileBasedAccessControlsOfTheCatalogPrestoAnalyticsUses() throws Exception {
        Properties control = new Properties();
        try (var reader = Files.newBufferedReader(PRESTO_ETC.resolve("access-control.properties"))) {
            control.load(reader);
        }
        assertThat(control.getProperty("access-control.name")).isEqualTo("file");
        assertThat(control.getProperty("security.config-file")).isEqualTo("${PRESTO_CONF_DIR}/rules.json");
        Properties readOnly = new Properties();
        try (var reader = Files.newBufferedReader(PRESTO_ETC.resolve("catalog/hive_readonly.properties"))) {
            readOnly.load(reader);
        }
        assertThat(readOnly.getProperty("hive.security")).isEqualTo("read-only");
    }
}
