package dev.bankinglake.analytics;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.contract.WindowTable;
import dev.bankinglake.service.BatchHistory;
import dev.bankinglake.service.LakeServiceConfig;
import dev.bankinglake.service.http.ServiceHttp;
import dev.bankinglake.windows.WindowsConfig;
import dev.bankinglake.windows.WindowsService;
import dev.bankinglake.windows.LiveWindows;
import dev.bankinglake.windows.WindowKey;
import dev.bankinglake.windows.WindowUpdate;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The analytics routes of the lake service, and its dashboard:
 * <ul>
 *   <li>{@code GET /analytics/counts?from=&to=&event_type=} and {@code GET /analytics/trades?asset=&from=&to=}: one
 *       row per window and key, final windows from the lake (Presto), open ones from the live state, merged;</li>
 *   <li>{@code GET /analytics/stream}: every window update as Server-Sent Events ({@link WindowStream});</li>
 *   <li>{@code GET /analytics/tables/{table}?limit=N}: the newest rows of a lake table;</li>
 *   <li>{@code GET /analytics/sql?q=...}: one read-only query through Presto, with a row cap and a time limit;</li>
 *   <li>{@code GET /}: the dashboard (pipeline state, rows/s, lag, live windows as charts), with its chart library
 *       from a WebJar.</li>
 * </ul>
 * A bad parameter, and any query Presto refuses (a write, a syntax error, a timeout), answers 400 with the reason.
 */
public final class AnalyticsHttp implements ServiceHttp.Routes, AutoCloseable {
    public static final String COUNTS = "/analytics/counts";
    public static final String TRADES = "/analytics/trades";
    public static final String HISTORY = "/analytics/history";
    public static final String STREAM = "/analytics/stream";
    public static final String TABLES = "/analytics/tables";
    public static final String SQL = "/analytics/sql";
    public static final String CHART_LIBRARY = "/assets/chart.umd.js";
    private static final int DEFAULT_TABLE_ROWS = 20;
    private static final String RESOURCES = "/dev/bankinglake/analytics/";
    private static final String CHART_WEBJAR = "META-INF/resources/webjars/chart.js/";
    private static final String CHART_VERSION_FILE = "META-INF/maven/org.webjars.npm/chart.js/pom.properties";

    private final LiveWindows live;
    private final PrestoAnalytics presto;
    private final WindowStream stream;
    private final Clock clock;
    private final BatchHistory history;

    public AnalyticsHttp(LiveWindows live, PrestoAnalytics presto, WindowStream stream, Clock clock) {
        this(live, presto, stream, BatchHistory.lastHour(), clock);
    }

    /** {@code history}: the ingest query's batches of the last hour, for {@value #HISTORY}. */
    public AnalyticsHttp(LiveWindows live, PrestoAnalytics presto, WindowStream stream, BatchHistory history, Clock clock) {
        this.history = requireNonNull(history, "history is null");
        this.live = requireNonNull(live, "live is null");
        this.presto = requireNonNull(presto, "presto is null");
        this.stream = requireNonNull(stream, "stream is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The routes over the service's windows, with Presto at {@code PRESTO_URL} on the read-only catalog of the lake's database. */
    public static AnalyticsHttp create(LakeServiceConfig lake, PrestoLogin login, WindowsService windows, Supplier<Map<String, Object>> pipeline,
            BatchHistory history, Clock clock) {
        WindowsConfig config = windows.config();
        PrestoAnalytics presto = new PrestoAnalytics(lake.prestoUrl(), config.readOnlyCatalog(), lake.hiveDatabase(), config.sqlMaxRows(),
                config.sqlTimeout(), login);
        return new AnalyticsHttp(windows.live(), presto, new WindowStream(windows.live(), pipeline), history, clock);
    }

    @Override
    public void close() {
        stream.close();
    }

    @Override
    public void register(Javalin app) {
        app.get(COUNTS, ctx -> windows(ctx, WindowTable.EVENT_COUNTS, AnalyticsParameters.eventType(ctx.queryParam("event_type"))));
        app.get(TRADES, ctx -> windows(ctx, WindowTable.TRADE_WINDOWS, AnalyticsParameters.asset(ctx.queryParam("asset"))));
        app.sse(STREAM, stream::connect);
        app.get(HISTORY, ctx -> ctx.json(Map.of("batches", history.entries().stream().map(BatchHistory.Entry::toJson).toList())));
        app.get(TABLES + "/{table}", this::table);
        app.get(SQL, this::sql);
        app.get("/", ctx -> resource(ctx, RESOURCES + "dashboard.html", "text/html; charset=utf-8"));
        app.get("/dashboard.js", ctx -> resource(ctx, RESOURCES + "dashboard.js", "text/javascript; charset=utf-8"));
        app.get(CHART_LIBRARY, ctx -> resource(ctx, "/" + chartLibraryPath(), "text/javascript; charset=utf-8"));
    }

    private void windows(Context ctx, WindowTable table, Optional<String> key) throws Exception {
        AnalyticsParameters.TimeRange range = AnalyticsParameters.range(ctx.queryParam("from"), ctx.queryParam("to"), clock.instant());
        List<WindowUpdate> lake;
        try {
            lake = presto.finalWindows(table, range.from(), range.to(), key);
        }
        catch (PrestoAnalytics.PrestoUnavailableException e) {
            throw new ServiceUnavailableResponse(e.getMessage());
        }
        List<WindowUpdate> merged = merge(lake, live.windows(table, range.from(), range.to(), key));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("table", table.tableName());
        answer.put("from", range.from().toString());
        answer.put("to", range.to().toString());
        key.ifPresent(value -> answer.put(table.keyColumn().name(), value));
        answer.put("final_windows", merged.stream().filter(WindowUpdate::isFinal).count());
        answer.put("open_windows", merged.stream().filter(update -> !update.isFinal()).count());
        answer.put("windows", merged.stream().map(WindowUpdate::toRow).toList());
        ctx.json(answer);
    }

    /** Final windows of the lake first; the live state adds the open ones and the final ones Presto does not see yet. */
    static List<WindowUpdate> merge(List<WindowUpdate> lake, List<WindowUpdate> live) {
        Map<WindowKey, WindowUpdate> merged = new TreeMap<>(WindowKey.ORDER);
        lake.forEach(update -> merged.put(update.window(), update));
        for (WindowUpdate update : live) {
            WindowUpdate known = merged.get(update.window());
            if (known == null || (!known.isFinal() && update.isFinal())) {
                merged.put(update.window(), update);
            }
        }
        return new ArrayList<>(merged.values());
    }

    private void table(Context ctx) throws Exception {
        String name = ctx.pathParam("table");
        TableDefinition table = TableDefinition.all().stream().filter(candidate -> candidate.tableName().equals(name)).findFirst()
                .orElseThrow(() -> new NotFoundResponse("Unknown table: '" + name + "' (known: "
                        + TableDefinition.all().stream().map(TableDefinition::tableName).collect(Collectors.joining(", ")) + ")"));
        int limit = AnalyticsParameters.limit(ctx.queryParam("limit"), DEFAULT_TABLE_ROWS, presto.maxRows());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("table", table.tableName());
        answer.put("limit", limit);
        answer.putAll(ask(() -> presto.newestRows(table, limit)).toJson());
        ctx.json(answer);
    }

    private void sql(Context ctx) throws Exception {
        String statement = AnalyticsParameters.sql(ctx.queryParam("q"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("sql", statement);
        answer.put("max_rows", presto.maxRows());
        answer.putAll(ask(() -> presto.sql(statement)).toJson());
        ctx.json(answer);
    }

    @FunctionalInterface
    private interface PrestoCall {
        PrestoAnalytics.Answer call() throws PrestoAnalytics.QueryRefusedException, PrestoAnalytics.PrestoUnavailableException;
    }

    private static PrestoAnalytics.Answer ask(PrestoCall call) {
        try {
            return call.call();
        }
        catch (PrestoAnalytics.QueryRefusedException e) {
            throw new BadRequestResponse("Presto refused the query: " + e.getMessage());
        }
        catch (PrestoAnalytics.PrestoUnavailableException e) {
            throw new ServiceUnavailableResponse(e.getMessage());
        }
    }

    private static void resource(Context ctx, String path, String contentType) throws IOException {
        InputStream content = AnalyticsHttp.class.getResourceAsStream(path);
        if (content == null) {
            throw new NotFoundResponse("Missing resource " + path);
        }
        ctx.contentType(contentType).header("Cache-Control", "no-cache").result(content);
    }

    /** Where the chart library's WebJar keeps its browser bundle, for the version on the classpath. */
    static String chartLibraryPath() throws IOException {
        Properties properties = new Properties();
        try (InputStream file = AnalyticsHttp.class.getClassLoader().getResourceAsStream(CHART_VERSION_FILE)) {
            if (file == null) {
                throw new IOException("The chart.js WebJar is not on the classpath (" + CHART_VERSION_FILE + ")");
            }
            properties.load(file);
        }
        return CHART_WEBJAR + properties.getProperty("version") + "/dist/chart.umd.js";
    }
}
