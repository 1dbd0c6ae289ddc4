package dev.bankinglake.stack.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the repository's shell libraries the way the scripts do, with nothing from the caller's environment. */
final class LocalStackSettings {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(\\w+)}");

    private LocalStackSettings() {
    }

    /** The defaults of scripts/lib/env.sh: what every script sees when nothing is overridden. */
    static Map<String, String> defaults(Path repoRoot) {
        String output = bash(repoRoot, Map.of(), "source scripts/lib/env.sh && env");
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int equals = line.indexOf('=');
            if (equals > 0) {
                settings.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return settings;
    }

    /** Renders a template with scripts/lib/render.sh, the renderer of scripts/stack.sh and the compose entrypoints. */
    static String render(Path repoRoot, Path template, Map<String, String> environment) {
        return bash(repoRoot, environment,
                "source scripts/lib/render.sh && target=$(mktemp) && lake_render \"$1\" \"$target\" && cat \"$target\" && rm -f \"$target\"",
                template.toString());
    }

    static List<String> placeholders(String text) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        return matcher.results().map(result -> result.group(1)).distinct().toList();
    }

    private static String bash(Path repoRoot, Map<String, String> environment, String script, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", "set -euo pipefail; " + script, "bash"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(repoRoot.toFile()).redirectErrorStream(true);
        String path = builder.environment().getOrDefault("PATH", "/usr/bin:/bin");
        builder.environment().clear();
        builder.environment().put("PATH", path);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("bash did not finish within 60s: " + script);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("bash -c '" + script + "' " + List.of(arguments) + " failed with exit code "
                        + process.exitValue() + ": " + output);
            }
            return output;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot run bash for " + script, e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted running " + script, e);
        }
    }
}
