package dev.bankinglake.service.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where errors become HTTP answers: always {@code {"error": "...", "status": N}},
 * whether a handler threw, no route matched, or Jetty refused the request before any handler saw it
 * (an illegal character such as {@code %00} in the path, a header too large).
 */
public final class JsonErrors {
    private static final Logger LOG = LoggerFactory.getLogger(JsonErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonErrors() {
    }

    public static Map<String, Object> body(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message == null || message.isBlank() ? HttpStatus.forStatus(status).getMessage() : message);
        body.put("status", status);
        return body;
    }

    /** Maps every exception and unmatched route of {@code app} to a JSON error. */
    public static void install(Javalin app) {
        app.exception(HttpResponseException.class, (exception, ctx) -> answer(ctx, exception.getStatus(), exception.getMessage()));
        app.exception(IllegalArgumentException.class, (exception, ctx) -> answer(ctx, HttpStatus.BAD_REQUEST.getCode(), exception.getMessage()));
        app.exception(Exception.class, (exception, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), exception);
            answer(ctx, HttpStatus.INTERNAL_SERVER_ERROR.getCode(), "Internal error: " + exception);
        });
        app.error(HttpStatus.METHOD_NOT_ALLOWED, ctx -> answer(ctx, HttpStatus.METHOD_NOT_ALLOWED.getCode(),
                "Method " + ctx.method() + " not allowed on " + ctx.path()));
    }

    private static void answer(Context ctx, int status, String message) {
        ctx.status(status).json(body(status, message));
    }

    static byte[] bytes(int status, String message) {
        try {
            return JSON.writeValueAsBytes(body(status, message));
        }
        catch (JsonProcessingException e) {
            return ("{\"error\":\"" + status + "\",\"status\":" + status + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Jetty's own errors (bad request lines, illegal path characters) as JSON instead of its HTML page. */
    public static final class JettyHandler extends ErrorHandler {
        private static final HttpField JSON_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(JSON_TYPE);
            return ByteBuffer.wrap(bytes(status, "Bad request: " + (reason == null ? "refused by the HTTP server" : reason)));
        }

        @Override
        public void handle(String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response) throws IOException {
            int status = response.getStatus();
            Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
            byte[] body = bytes(status, message == null ? null : message.toString());
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            baseRequest.setHandled(true);
        }
    }
}
