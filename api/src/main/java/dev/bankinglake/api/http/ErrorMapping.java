package dev.bankinglake.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.api.events.EventDeliveryException;
import dev.bankinglake.api.events.EventJson;
import dev.bankinglake.api.game.AccountExistsException;
import dev.bankinglake.api.game.InvalidActionException;
import dev.bankinglake.api.game.RuleViolationException;
import dev.bankinglake.api.game.UnknownAccountException;
import dev.bankinglake.api.game.UnknownAssetException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns exceptions into HTTP answers: a status and the body
 * {@code {"error": "<what and why>", "status": <code>}}.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

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

    static void register(Javalin app) {
        STATUS_BY_TYPE.forEach((type, status) -> app.exception(type, (e, ctx) -> {
            if (status >= 500) {
                log.warn("{} {} answered {}: {}", ctx.method(), ctx.path(), status, e.getMessage());
            }
            respond(ctx, status, message(e));
        }));
        app.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(), e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            respond(ctx, 500, "Internal error; nothing was changed");
        });
        app.error(404, ctx -> {
            if (!ctx.attributeMap().containsKey(ERROR_WRITTEN)) {
                respond(ctx, 404, "Unknown route: " + ctx.method() + " " + ctx.path());
            }
        });
    }

    private static final String ERROR_WRITTEN = ErrorMapping.class.getName() + ".written";

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
        ctx.status(status).contentType("application/json").result(EventJson.write(body(status, message)));
    }
}
