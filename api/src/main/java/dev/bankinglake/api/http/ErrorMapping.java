package dev.bankinglake.api.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.api.events.EventDeliveryException;
import dev.bankinglake.api.events.EventJson;
import dev.bankinglake.api.game.AccountExistsException;
import dev.bankinglake.api.game.InvalidActionException;
import dev.bankinglake.api.game.RuleViolationException;
import dev.bankinglake.api.game.UnknownAccountException;
import dev.bankinglake.api.game.UnknownAssetException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.router.JavalinDefaultRouting;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns errors into HTTP answers: a status and the body
 * {@code {"error": "<what and why>", "status": <code>}}, whether a handler threw, no route
 * matched, or Jetty refused the request before Javalin saw it.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
    private static final String ERROR_WRITTEN = ErrorMapping.class.getName() + ".written";
    private static final String INTERNAL_ERROR = "Internal error; nothing was changed";
    private static final String JSON = "application/json";

    /** Exception type to status; a subclass uses its nearest mapped ancestor. */
    public static final Map<Class<? extends Exception>, Integer> STATUS_BY_TYPE;

    static {
        Map<Class<? extends Exception>, Integer> statuses = new LinkedHashMap<>();
        statuses.put(InvalidActionException.class, 400);
        statuses.put(UnknownAccountException.class, 404);
        statuses.put(UnknownAssetException.class, 404);
        statuses.put(AccountExistsException.class, 409);
        statuses.put(RuleViolationException.class, 422);
        statuses.put(EventDeliveryException.class, 503);
        STATUS_BY_TYPE = Map.copyOf(statuses);
    }

    private ErrorMapping() {
    }

    /**
     * Installs every error answer of the API in one go: exceptions thrown by handlers, requests
     * that match no route, and the requests Jetty refuses itself before any route sees them
     * (illegal or ambiguous URI characters, bad percent-encoding, headers too large).
     */
    static void install(JavalinConfig config, Metrics metrics) {
        requireNonNull(metrics, "metrics is null");
        config.router.mount(ErrorMapping::registerHandlers);
        config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(metrics)));
    }

    private static void registerHandlers(JavalinDefaultRouting routing) {
        STATUS_BY_TYPE.forEach((type, status) -> routing.exception(type, (e, ctx) -> {
            if (status >= 500) {
                log.warn("{} {} answered {}: {}", ctx.method(), ctx.path(), status, e.getMessage());
            }
            respond(ctx, status, message(e));
        }));
        routing.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), e.getMessage()));
        routing.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(), e.getMessage()));
        routing.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            respond(ctx, HttpStatus.INTERNAL_SERVER_ERROR.getCode(), INTERNAL_ERROR);
        });
        routing.error(HttpStatus.NOT_FOUND.getCode(), ctx -> {
            if (!ctx.attributeMap().containsKey(ERROR_WRITTEN)) {
                respond(ctx, HttpStatus.NOT_FOUND.getCode(), "Unknown route: " + ctx.method() + " " + ctx.path());
            }
        });
        // A java.lang.Error skips the exception handlers: Javalin logs it and only sets the status.
        // It may strike after the game changed state, so this answer does not claim otherwise.
        routing.error(HttpStatus.INTERNAL_SERVER_ERROR.getCode(), ctx -> {
            if (!ctx.attributeMap().containsKey(ERROR_WRITTEN)) {
                respond(ctx, HttpStatus.INTERNAL_SERVER_ERROR.getCode(), "Internal error");
            }
        });
    }

    /**
     * The message for a request Jetty refused before any route ran. Jetty's reason is kept when it
     * says more than the status line (for example {@code No Host}); a bare 400 is what Jetty answers
     * when it cannot parse the request line at all, and in practice that means the URI.
     */
    static String refusedMessage(int status, String reason) {
        String what = switch (status) {
            case 400 -> "Malformed request";
            case 413 -> "Request too large";
            case 414 -> "Request URI too long";
            case 431 -> "Request header fields too large";
            case 505 -> "HTTP version not supported";
            default -> HttpStatus.forStatus(status).getMessage();
        };
        String detail;
        if (!isBareStatus(status, reason)) {
            detail = ": " + reason;
        }
        else if (status == HttpStatus.BAD_REQUEST.getCode()) {
            detail = ": it cannot be parsed as HTTP, most often because its URI holds an illegal character such as %00 "
                    + "or a '%' not followed by two hex digits";
        }
        else {
            detail = "";
        }
        return what + detail + "; refused before any route ran, nothing was changed";
    }

    private static String message(Exception e) {
        if (e instanceof EventDeliveryException) {
            return "Event could not be recorded, nothing was changed: " + e.getMessage();
        }
        return e.getMessage();
    }

    public static ObjectNode body(int status, String message) {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        body.put("error", message);
        body.put("status", status);
        return body;
    }

    static void respond(Context ctx, int status, String message) {
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
        ctx.status(status).contentType(JSON).result(EventJson.write(body(status, message)));
    }

    /** Whether Jetty's reason only repeats the status line (Jetty and Javalin word some of them differently). */
    private static boolean isBareStatus(int status, String reason) {
        return reason == null || reason.isBlank() || reason.equalsIgnoreCase(HttpStatus.forStatus(status).getMessage())
                || reason.equalsIgnoreCase(org.eclipse.jetty.http.HttpStatus.getMessage(status));
    }

    private static byte[] bodyBytes(int status, String message) {
        return EventJson.write(body(status, message)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Jetty's error answers, used for what never reaches Javalin: by default they are HTML pages,
     * and only for some methods. Here they are the API's JSON body, for every method.
     */
    private static final class JsonErrorHandler extends ErrorHandler {
        private final Metrics metrics;

        JsonErrorHandler(Metrics metrics) {
            this.metrics = requireNonNull(metrics, "metrics is null");
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }

        /** Requests the HTTP parser refused: malformed request line or URI, headers or URI too long. */
        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            String message = refusedMessage(status, reason);
            log.debug("Refused before routing with {}: {}", status, message);
            metrics.requestRefused(status);
            fields.put(HttpHeader.CONTENT_TYPE, JSON);
            return ByteBuffer.wrap(bodyBytes(status, message));
        }

        /** Errors Jetty raises after parsing, outside Javalin's handlers (sendError, failures Javalin did not catch). */
        @Override
        protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
                int code, String message) throws IOException {
            String status = HttpStatus.forStatus(code).getMessage();
            byte[] body = bodyBytes(code, isBareStatus(code, message) ? status : status + ": " + message);
            response.setContentType(JSON);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
