package dev.bankinglake.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.api.events.EventJson;
import io.javalin.Javalin;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The error answers no game route produces today, on a small app with the API's error mapping. */
class ErrorMappingTest {
    private final Metrics metrics = new Metrics();
    private Javalin app;

    @BeforeEach
    void start() {
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            ErrorMapping.install(config, metrics);
        });
        app.get("/error", ctx -> {
            throw new AssertionError("a java.lang.Error, not an Exception");
        });
        app.get("/send-error", ctx -> ctx.res().sendError(418, "Short and stout"));
        app.put("/send-error", ctx -> ctx.res().sendError(409, null));
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        metrics.close();
    }

    @Test
    void aJavaLangErrorIsAnsweredInJson() throws Exception {
        RawHttp.Response response = RawHttp.get(app.port(), "/error");

        assertThat(response.status()).isEqualTo(500);
        assertThat(errorOf(response, 500)).isEqualTo("Internal error");
    }

    @Test
    void anErrorSentThroughTheServletResponseIsAnsweredInJson() throws Exception {
        RawHttp.Response teapot = RawHttp.get(app.port(), "/send-error");
        assertThat(teapot.status()).isEqualTo(418);
        assertThat(errorOf(teapot, 418)).isEqualTo("I'm a Teapot: Short and stout");

        // Jetty's own error page is only written for GET, POST and HEAD; the API answers every method.
        RawHttp.Response conflict = RawHttp.send(app.port(), "PUT /send-error HTTP/1.1",
                Map.of("Host", "127.0.0.1", "Content-Length", "0"));
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(errorOf(conflict, 409)).isEqualTo("Conflict");
    }

    @Test
    void refusedMessagesSayWhatAndWhy() {
        assertThat(ErrorMapping.refusedMessage(400, "Bad Request")).isEqualTo("Malformed request: it cannot be parsed as HTTP, "
                + "most often because its URI holds an illegal character such as %00 or a '%' not followed by two hex digits; "
                + "refused before any route ran, nothing was changed");
        assertThat(ErrorMapping.refusedMessage(400, null)).startsWith("Malformed request: it cannot be parsed as HTTP");
        assertThat(ErrorMapping.refusedMessage(400, "Ambiguous URI path segment"))
                .isEqualTo("Malformed request: Ambiguous URI path segment; refused before any route ran, nothing was changed");
        assertThat(ErrorMapping.refusedMessage(431, "Request Header Fields Too Large"))
                .isEqualTo("Request header fields too large; refused before any route ran, nothing was changed");
        assertThat(ErrorMapping.refusedMessage(413, "Payload Too Large"))
                .isEqualTo("Request too large; refused before any route ran, nothing was changed");
        assertThat(ErrorMapping.refusedMessage(505, "Unknown Version"))
                .isEqualTo("HTTP version not supported: Unknown Version; refused before any route ran, nothing was changed");
    }

    private static String errorOf(RawHttp.Response response, int status) throws Exception {
        assertThat(response.header("Content-Type")).as(response.body()).startsWith("application/json");
        JsonNode body = EventJson.read(response.body());
        assertThat(body.get("status").asInt()).isEqualTo(status);
        return body.get("error").asText();
    }
}
