package dev.bankinglake.presto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The JDBC login of a command-line client of the stack's Presto (the report, the benchmarks), from
 * its environment, as scripts/lib/env.sh and scripts/lib/secrets.sh set it:
 * <ul>
 *   <li>{@code PRESTO_USER}: the user, lake-viewer unless set;</li>
 *   <li>{@code PRESTO_PASSWORD_FILE}: a file whose first line is its password (never a variable or
 *       an argument: those show in {@code ps});</li>
 *   <li>{@code PRESTO_TRUSTSTORE} and {@code PRESTO_TRUSTSTORE_PASSWORD}: TLS, trusting the stack's
 *       CA.</li>
 * </ul>
 */
public final class PrestoClientLogin {
    public static final String DEFAULT_USER = "lake-viewer";

    private PrestoClientLogin() {
    }

    public static Properties properties(Map<String, String> environment) {
        Properties properties = new Properties();
        properties.setProperty("user", value(environment, "PRESTO_USER").orElse(DEFAULT_USER));
        value(environment, "PRESTO_PASSWORD_FILE").map(Path::of).ifPresent(file -> properties.setProperty("password", firstLine(file)));
        value(environment, "PRESTO_TRUSTSTORE").ifPresent(trustStore -> {
            properties.setProperty("SSL", "true");
            properties.setProperty("SSLTrustStorePath", trustStore);
            value(environment, "PRESTO_TRUSTSTORE_PASSWORD").ifPresent(password -> properties.setProperty("SSLTrustStorePassword", password));
        });
        return properties;
    }

    private static Optional<String> value(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    private static String firstLine(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read PRESTO_PASSWORD_FILE " + file, e);
        }
    }
}
