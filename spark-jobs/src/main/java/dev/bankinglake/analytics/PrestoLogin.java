package dev.bankinglake.analytics;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * How the analytics routes log in to Presto: as {@link PrestoAnalytics#USER}, with the password
 * of {@code PRESTO_ANALYTICS_PASSWORD_FILE} (owner-only, first line), over TLS trusting the
 * certificates of {@code PRESTO_TRUSTSTORE} (PKCS12; {@code PRESTO_TRUSTSTORE_PASSWORD} guards
 * public certificates only). Unset: no password and the JVM's own trust, for a Presto that asks
 * for neither. The password never appears in {@link #toString()}.
 */
public final class PrestoLogin {
    public static final String PASSWORD_FILE = "PRESTO_ANALYTICS_PASSWORD_FILE";
    public static final String TRUSTSTORE = "PRESTO_TRUSTSTORE";
    public static final String TRUSTSTORE_PASSWORD = "PRESTO_TRUSTSTORE_PASSWORD";

    private final Optional<Path> passwordFile;
    private final Optional<String> password;
    private final Optional<String> trustStore;
    private final Optional<String> trustStorePassword;

    private PrestoLogin(Optional<Path> passwordFile, Optional<String> password, Optional<String> trustStore, Optional<String> trustStorePassword) {
        this.passwordFile = passwordFile;
        this.password = password;
        this.trustStore = trustStore;
        this.trustStorePassword = trustStorePassword;
    }

    /** No password, the JVM's own trust. */
    public static PrestoLogin none() {
        return new PrestoLogin(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** From the environment; a password file that is set but cannot be read stops the start, naming it. */
    public static PrestoLogin fromEnvironment(Map<String, String> environment) {
        requireNonNull(environment, "environment is null");
        Optional<Path> passwordFile = value(environment, PASSWORD_FILE).map(Path::of);
        Optional<String> password = passwordFile.map(PrestoLogin::firstLine);
        return new PrestoLogin(passwordFile, password, value(environment, TRUSTSTORE), value(environment, TRUSTSTORE_PASSWORD));
    }

    /** Sets the JDBC driver's login and TLS properties; TLS whenever a trust store is given. */
    public void applyTo(Properties properties) {
        password.ifPresent(value -> properties.setProperty("password", value));
        trustStore.ifPresent(path -> {
            properties.setProperty("SSL", "true");
            properties.setProperty("SSLTrustStorePath", path);
            trustStorePassword.ifPresent(value -> properties.setProperty("SSLTrustStorePassword", value));
        });
    }

    /** Whether the connection speaks TLS. */
    public boolean tls() {
        return trustStore.isPresent();
    }

    private static Optional<String> value(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).map(String::trim).filter(value -> !value.isEmpty());
    }

    private static String firstLine(Path file) {
        try {
            String line = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            if (line.isEmpty()) {
                throw new IllegalArgumentException("Invalid lake service configuration: " + PASSWORD_FILE + ": " + file + " is empty");
            }
            return line;
        }
        catch (IOException e) {
            throw new IllegalArgumentException("Invalid lake service configuration: " + PASSWORD_FILE + ": cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    @Override
    public String toString() {
        return "PrestoLogin{user=" + PrestoAnalytics.USER + ", password=" + passwordFile.map(file -> "from " + file).orElse("none")
                + ", truststore=" + trustStore.orElse("the JVM's") + "}";
    }
}
