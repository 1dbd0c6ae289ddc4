package dev.bankinglake.compose;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One compose project of the repository's files, driven through the {@code docker compose} CLI
 * as a user drives it: a project name of its own (its containers, network and volumes apart from
 * any stack the user runs), and the host ports it publishes on 127.0.0.1 set through the same
 * variables as the local stack (API_PORT, PRESTO_PORT, LAKE_SERVICE_PORT).
 */
final class ComposeProject {
    /** What a command printed (stdout and stderr together) and how it ended. */
    record Result(List<String> command, int exitCode, String output) {
        Result {
            command = List.copyOf(command);
            requireNonNull(output, "output is null");
        }

        boolean ok() {
            return exitCode == 0;
        }

        /** The output, or an AssertionError that shows the command, its exit code and its last lines. */
        String orFail() {
            if (!ok()) {
                throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + ":\n" + tail(output, 60));
            }
            return output;
        }
    }

    private final String name;
    private final List<String> files;
    private final Map<String, String> environment;

    ComposeProject(String name, List<String> files, Map<String, String> environment) {
        this.name = requireNonNull(name, "name is null");
        this.files = List.copyOf(files);
        this.environment = Map.copyOf(environment);
    }

    String name() {
        return name;
    }

    Map<String, String> environment() {
        Map<String, String> all = new LinkedHashMap<>(environment);
        all.put("COMPOSE_PROJECT_NAME", name);
        return all;
    }

    /** docker compose -p NAME -f FILE... --project-directory ROOT ARGS, bounded by timeout. */
    Result compose(Duration timeout, String... arguments) {
        return composeWithInput(timeout, null, arguments);
    }

    /** The same, with {@code input} on the command's standard input. */
    Result composeWithInput(Duration timeout, String input, String... arguments) {
        List<String> command = new ArrayList<>(List.of("docker", "compose", "-p", name));
        for (String file : files) {
            command.add("-f");
            command.add(file);
        }
        command.add("--project-directory");
        command.add(Repository.root().toString());
        command.addAll(Arrays.asList(arguments));
        return run(command, environment(), timeout, input);
    }

    /** A command in a running service container (docker compose exec -T). */
    Result exec(Duration timeout, String input, String service, String... command) {
        List<String> arguments = new ArrayList<>(List.of("exec", "-T", service));
        arguments.addAll(Arrays.asList(command));
        return composeWithInput(timeout, input, arguments.toArray(String[]::new));
    }

    /** The ids of the containers of a service, one per replica. */
    List<String> containers(String service) {
        return compose(Duration.ofSeconds(30), "ps", "-q", service).orFail().lines().map(String::strip)
                .filter(line -> !line.isEmpty()).toList();
    }

    /** The service and health of every container: "streaming healthy", one line each. */
    List<String> health() {
        return compose(Duration.ofSeconds(30), "ps", "--format", "{{.Service}} {{.Health}}").orFail().lines()
                .map(String::strip).filter(line -> !line.isEmpty()).sorted().toList();
    }

    /** docker inspect -f FORMAT CONTAINER */
    static String inspect(String container, String format) {
        return run(List.of("docker", "inspect", "-f", format, container), Map.of(), Duration.ofSeconds(30), null).orFail().strip();
    }

    /** The last lines of every service's log, for a failure message. */
    String logs(int lines) {
        return tail(compose(Duration.ofMinutes(1), "logs", "--no-color", "--tail", String.valueOf(lines)).output(), lines * 20);
    }

    static Result run(List<String> command, Map<String, String> environment, Duration timeout, String input) {
        Path output;
        try {
            output = Files.createTempFile("compose-it-", ".log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(Repository.root().toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            if (input == null) {
                builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            }
            Process process = builder.start();
            if (input != null) {
                try (var stdin = process.getOutputStream()) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", command) + " did not end within " + timeout + ":\n"
                        + tail(Files.readString(output), 60));
            }
            return new Result(command, process.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException ignored) {
                // a temporary file; the JVM's temp folder is cleaned anyway
            }
        }
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
