package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named jobs the service runs, from one router file (JSON): name, class, defaults and allowed
 * parameters. The file is read at start and again whenever it changes, so a job can be added or
 * its defaults changed without a restart; a file that does not parse keeps the last good routes.
 * Without a file, the router bundled with the service is used.
 */
public final class JobRouter {
    private static final Logger LOG = LoggerFactory.getLogger(JobRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String BUNDLED = "/jobs.json";

    private final Optional<Path> file;
    private Map<String, JobRoute> routes;
    private FileTime loadedVersion;

    private JobRouter(Optional<Path> file, Map<String, JobRoute> routes, FileTime loadedVersion) {
        this.file = file;
        this.routes = routes;
        this.loadedVersion = loadedVersion;
    }

    /** Reads the router file, or the bundled router when there is none; fails when it does not parse. */
    public static JobRouter load(Optional<Path> file) throws IOException {
        requireNonNull(file, "file is null");
        if (file.isPresent()) {
            FileTime version = Files.getLastModifiedTime(file.get());
            return new JobRouter(file, parse(Files.readString(file.get())), version);
        }
        try (InputStream bundled = JobRouter.class.getResourceAsStream(BUNDLED)) {
            if (bundled == null) {
                throw new IOException("No " + BUNDLED + " on the classpath");
            }
            return new JobRouter(file, parse(new String(bundled.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)), null);
        }
    }

    /** The routes as they are now, reading the file again if it changed. */
    public synchronized Map<String, JobRoute> routes() {
        reloadIfChanged();
        return routes;
    }

    public JobRoute route(String name) {
        JobRoute route = routes().get(name);
        if (route == null) {
            throw new JobRequestException(400, "Unknown job '" + name + "' (known: " + String.join(", ", new TreeSet<>(routes().keySet())) + ")");
        }
        return route;
    }

    private void reloadIfChanged() {
        if (file.isEmpty()) {
            return;
        }
        try {
            FileTime version = Files.getLastModifiedTime(file.get());
            if (version.equals(loadedVersion)) {
                return;
            }
            routes = parse(Files.readString(file.get()));
            loadedVersion = version;
            LOG.info("Job router {} reloaded: {}", file.get(), new TreeSet<>(routes.keySet()));
        }
        catch (IOException | RuntimeException e) {
            LOG.warn("Job router {} could not be read again ({}); keeping the routes {}", file.get(), e.getMessage(), new TreeSet<>(routes.keySet()));
        }
    }

    /** {@code {"jobs": [{"name", "class", "description", "defaults": {}, "parameters": []}]}} */
    static Map<String, JobRoute> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("Job router is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode jobs = root.path("jobs");
        if (!jobs.isArray()) {
            throw new IllegalArgumentException("Job router must hold {\"jobs\": [...]}");
        }
        Map<String, JobRoute> routes = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (JsonNode job : jobs) {
            String name = job.path("name").asText("");
            String className = job.path("class").asText("");
            if (!name.matches("[a-z][a-z0-9-]*") || className.isEmpty()) {
                problems.add("entry " + job + " needs a lower-case 'name' and a 'class'");
                continue;
            }
            Map<String, String> defaults = new HashMap<>();
            job.path("defaults").fields().forEachRemaining(entry -> defaults.put(entry.getKey(), entry.getValue().asText()));
            Set<String> parameters = new HashSet<>();
            job.path("parameters").forEach(parameter -> parameters.add(parameter.asText()));
            try {
                if (routes.put(name, new JobRoute(name, className, job.path("description").asText(""), defaults, parameters)) != null) {
                    problems.add("job '" + name + "' is listed twice");
                }
            }
            catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid job router: " + String.join("; ", problems));
        }
        return Map.copyOf(routes);
    }
}
