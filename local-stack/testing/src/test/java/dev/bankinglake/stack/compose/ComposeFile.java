package dev.bankinglake.stack.compose;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository's docker-compose.yml, read with SnakeYAML, with typed access to what the tests check. */
final class ComposeFile {
    static final String FILE_NAME = "docker-compose.yml";
    private static final java.util.regex.Pattern DEFAULTED_VARIABLE = java.util.regex.Pattern.compile("\\$\\{\\w+:?-([^}]*)}");

    private final Path repoRoot;
    private final Map<String, Object> root;

    private ComposeFile(Path repoRoot, Map<String, Object> root) {
        this.repoRoot = requireNonNull(repoRoot, "repoRoot is null");
        this.root = requireNonNull(root, "root is null");
    }

    static ComposeFile load() {
        return load(FILE_NAME);
    }

    /** Another compose file of the repository root, e.g. an override such as docker-compose.cluster.yml. */
    static ComposeFile load(String fileName) {
        Path repoRoot = repoRoot();
        try (Reader reader = Files.newBufferedReader(repoRoot.resolve(fileName))) {
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new IllegalStateException(fileName + " is not a YAML mapping but " + parsed);
            }
            return new ComposeFile(repoRoot, cast(map));
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + repoRoot.resolve(fileName), e);
        }
    }

    /** The repository root: -Dlake.repo.root (set by failsafe), else the first folder upwards holding docker-compose.yml. */
    static Path repoRoot() {
        String property = System.getProperty("lake.repo.root");
        if (property != null && Files.exists(Paths.get(property, FILE_NAME))) {
            return Paths.get(property).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve(FILE_NAME)) && Files.exists(dir.resolve("scripts/stack.sh")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("No " + FILE_NAME + " next to scripts/stack.sh above " + Paths.get("").toAbsolutePath());
        }
        return dir;
    }

    Path repo() {
        return repoRoot;
    }

    Map<String, Object> services() {
        return cast((Map<?, ?>) requireNonNull(root.get("services"), "no services in " + FILE_NAME));
    }

    Map<String, Object> service(String name) {
        Object service = services().get(name);
        if (!(service instanceof Map<?, ?> map)) {
            throw new AssertionError("No service '" + name + "' in " + FILE_NAME + " (services: " + services().keySet() + ")");
        }
        return cast(map);
    }

    Map<String, Object> namedVolumes() {
        Object volumes = root.get("volumes");
        return volumes instanceof Map<?, ?> map ? cast(map) : Map.of();
    }

    /** The service's environment as a map, from either the map or the list form. */
    Map<String, String> environment(String service) {
        Object environment = service(service).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> result.put(String.valueOf(key), value == null ? "" : String.valueOf(value)));
        }
        else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String text = String.valueOf(entry);
                int equals = text.indexOf('=');
                result.put(equals < 0 ? text : text.substring(0, equals), equals < 0 ? "" : text.substring(equals + 1));
            }
        }
        return result;
    }

    Optional<String> image(String service) {
        return Optional.ofNullable(service(service).get("image")).map(String::valueOf);
    }

    /** Build context and Dockerfile, both resolved against the repository root, target stage and build args, if the service is built. */
    Optional<Build> build(String service) {
        Object build = service(service).get("build");
        if (build == null) {
            return Optional.empty();
        }
        String context;
        String dockerfile = "Dockerfile";
        String target = null;
        Map<String, String> args = new LinkedHashMap<>();
        if (build instanceof Map<?, ?> map) {
            context = String.valueOf(map.get("context") == null ? "." : map.get("context"));
            if (map.get("dockerfile") != null) {
                dockerfile = String.valueOf(map.get("dockerfile"));
            }
            if (map.get("target") != null) {
                target = String.valueOf(map.get("target"));
            }
            if (map.get("args") instanceof Map<?, ?> values) {
                values.forEach((name, value) -> args.put(String.valueOf(name), String.valueOf(value)));
            }
        }
        else {
            context = String.valueOf(build);
        }
        Path contextDir = repoRoot.resolve(context).normalize();
        return Optional.of(new Build(contextDir, contextDir.resolve(dockerfile).normalize(), Optional.ofNullable(target), args));
    }

    /** Every volume entry of the service (short or long syntax). */
    List<Mount> mounts(String service) {
        Object volumes = service(service).get("volumes");
        List<Mount> mounts = new ArrayList<>();
        if (volumes instanceof List<?> list) {
            for (Object entry : list) {
                if (entry instanceof Map<?, ?> map) {
                    String type = String.valueOf(map.get("type"));
                    mounts.add(new Mount(type.equals("bind"), String.valueOf(map.get("source")), String.valueOf(map.get("target")),
                            Boolean.TRUE.equals(map.get("read_only"))));
                }
                else {
                    String[] parts = String.valueOf(entry).split(":");
                    String source = parts[0];
                    boolean bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
                    mounts.add(new Mount(bind, source, parts.length > 1 ? parts[1] : source, parts.length > 2 && parts[2].contains("ro")));
                }
            }
        }
        return mounts;
    }

    /** Published ports as host-ip, host-port, container-port (short syntax). */
    List<PublishedPort> ports(String service) {
        Object ports = service(service).get("ports");
        List<PublishedPort> result = new ArrayList<>();
        if (ports instanceof List<?> list) {
            for (Object entry : list) {
                if (entry instanceof Map<?, ?> map) {
                    result.add(new PublishedPort(String.valueOf(map.get("host_ip")), String.valueOf(map.get("published")),
                            String.valueOf(map.get("target"))));
                    continue;
                }
                String[] parts = withDefaults(String.valueOf(entry)).split(":");
                switch (parts.length) {
                    case 1 -> result.add(new PublishedPort("", "", parts[0]));
                    case 2 -> result.add(new PublishedPort("", parts[0], parts[1]));
                    default -> result.add(new PublishedPort(parts[0], parts[1], parts[2]));
                }
            }
        }
        return result;
    }

    /** Compose interpolation with the defaults only: ${NAME:-default} and ${NAME-default} become default. */
    static String withDefaults(String value) {
        return DEFAULTED_VARIABLE.matcher(value).replaceAll(result -> java.util.regex.Matcher.quoteReplacement(result.group(1)));
    }

    Map<String, Object> healthcheck(String service) {
        Object healthcheck = service(service).get("healthcheck");
        return healthcheck instanceof Map<?, ?> map ? cast(map) : Map.of();
    }

    /** depends_on as written: a map of service to its options, or a plain list (no options). */
    Object dependsOn(String service) {
        return service(service).get("depends_on");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    record Build(Path context, Path dockerfile, Optional<String> target, Map<String, String> args) {
        Build {
            args = Map.copyOf(args);
        }
    }

    record Mount(boolean bind, String source, String target, boolean readOnly) {
    }

    record PublishedPort(String hostIp, String hostPort, String containerPort) {
    }
}
