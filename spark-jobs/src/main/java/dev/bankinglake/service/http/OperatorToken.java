package dev.bankinglake.service.http;

import static java.util.Objects.requireNonNull;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake service's control plane: every request that may change something (any method but GET,
 * HEAD and OPTIONS, on every route, later ones included) must carry the operator token as
 * {@code Authorization: Bearer ...}; reads stay open. A missing or wrong token answers 401 JSON,
 * and the attempt is logged without what was presented. The comparison takes the same time
 * whatever the token (SHA-256 digests compared with {@link MessageDigest#isEqual}).
 */
public final class OperatorToken {
    public static final String REALM = "lake-service";
    /** Shorter tokens are refused at start: a guessable token is no control. */
    public static final int MIN_LENGTH = 16;
    private static final Logger LOG = LoggerFactory.getLogger(OperatorToken.class);
    private static final Set<HandlerType> READS = EnumSet.of(HandlerType.GET, HandlerType.HEAD, HandlerType.OPTIONS);
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final Optional<byte[]> digest;

    private OperatorToken(Optional<byte[]> digest) {
        this.digest = requireNonNull(digest, "digest is null");
    }

    /** A token that is configured; {@link #none()} refuses every change. */
    public static OperatorToken of(String token) {
        requireNonNull(token, "token is null");
        if (token.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("Invalid operator token: " + token.length() + " characters (must be at least " + MIN_LENGTH + ")");
        }
        return new OperatorToken(Optional.of(sha256(token)));
    }

    /** No token configured: every mutating request is refused, saying how to configure one. */
    public static OperatorToken none() {
        return new OperatorToken(Optional.empty());
    }

    /** Reads the token from its file (first line, trimmed); the file should be readable by its owner only. */
    public static OperatorToken fromFile(Optional<Path> file) {
        if (file.isEmpty()) {
            LOG.warn("No operator token file (LAKE_OPERATOR_TOKEN_FILE): every route that changes something answers 401");
            return none();
        }
        Path path = file.get();
        try {
            String token = Files.readString(path, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("Invalid operator token: " + path + " is empty");
            }
            warnIfReadableByOthers(path);
            return of(token);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the operator token file " + path + ": " + e.getMessage(), e);
        }
    }

    private static void warnIfReadableByOthers(Path path) throws IOException {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            // a file of another owner that this user can read anyway (a compose secret: a bind
            // mount of the host's file, whose folder guards it there) cannot be owner-only
            boolean own = Files.getOwner(path).getName().equals(System.getProperty("user.name"));
            if (own && permissions.stream().anyMatch(OTHERS::contains)) {
                LOG.warn("The operator token file {} is readable by others than its owner ({}): chmod 600 it", path, permissions);
            }
        }
        catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }

    /** Guards every matched route of {@code app}: runs before its handler, never for a read. */
    public void install(Javalin app) {
        app.beforeMatched(this::check);
    }

    void check(Context ctx) {
        if (READS.contains(ctx.method())) {
            return;
        }
        String header = ctx.header("Authorization");
        String reason;
        if (digest.isEmpty()) {
            reason = "this service has no operator token configured (LAKE_OPERATOR_TOKEN_FILE), so nothing may be changed over HTTP";
        }
        else if (header == null || header.isBlank()) {
            reason = "missing operator token (send Authorization: Bearer <token>; scripts/lake-job.sh does)";
        }
        else if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reason = "the Authorization header must be 'Bearer <operator token>'";
        }
        else if (!MessageDigest.isEqual(digest.get(), sha256(header.substring(7).trim()))) {
            reason = "wrong operator token";
        }
        else {
            return;
        }
        LOG.warn("Refused {} {} from {}: {}", ctx.method(), ctx.path(), ctx.ip(), reason);
        ctx.header("WWW-Authenticate", "Bearer realm=\"" + REALM + "\"");
        throw new UnauthorizedResponse("Unauthorized: " + reason);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
