package dev.bankinglake.compose;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The operator tools of the stack, run where a compose user runs them: curl, ab and kcat inside
 * the project's {@code tools} container, against the services by their names on the compose
 * network (http://api:5000, kafka:9092).
 */
final class ToolsContainer {
    private static final String API = "http://api:5000";
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern COMPLETE = Pattern.compile("(?m)^Complete requests:\\s+(\\d+)");
    private static final Pattern FAILED = Pattern.compile("(?m)^Failed requests:\\s+(\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^Non-2xx responses:\\s+(\\d+)");

    /** One answer of curl: the HTTP status and the body. */
    record Answer(int status, String body) {
    }

    /** What ab counted: requests completed, failed (connection, length, exceptions), and answered other than 2xx. */
    record Bench(int complete, int failed, int non2xx) {
        int acknowledged() {
            return complete - failed - non2xx;
        }
    }

    private final ComposeProject project;
    private int bodies;

    ToolsContainer(ComposeProject project) {
        this.project = requireNonNull(project, "project is null");
    }

    Answer get(String path) {
        return curl(List.of("curl", "-s", "-m", "30", "-w", "\\n%{http_code}", API + path), null);
    }

    Answer post(String path, String json) {
        return curl(List.of("curl", "-s", "-m", "30", "-w", "\\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json",
                "--data-binary", "@-", API + path), json);
    }

    private Answer curl(List<String> command, String input) {
        String output = project.exec(TIMEOUT, input, "tools", command.toArray(String[]::new)).orFail();
        int newline = output.lastIndexOf('\n');
        return new Answer(Integer.parseInt(output.substring(newline + 1).strip()), output.substring(0, Math.max(newline, 0)));
    }

    /** ab -n requests -c concurrency on GET path. */
    Bench ab(String path, int requests, int concurrency) {
        return ab(path, null, requests, concurrency);
    }

    /** ab -n requests -c concurrency -p BODY on POST path (json == null: GET). */
    Bench ab(String path, String json, int requests, int concurrency) {
        List<String> command = new ArrayList<>(List.of("ab", "-q", "-l", "-s", "30", "-n", String.valueOf(requests),
                "-c", String.valueOf(concurrency), "-H", "Accept: application/json"));
        if (json != null) {
            String file = "/tmp/compose-it-body-" + (++bodies) + ".json";
            project.exec(TIMEOUT, json, "tools", "sh", "-c", "cat > " + file).orFail();
            command.addAll(List.of("-p", file, "-T", "application/json"));
        }
        command.add(API + path);
        String output = project.exec(TIMEOUT, null, "tools", command.toArray(String[]::new)).orFail();
        return new Bench(count(COMPLETE, output, true), count(FAILED, output, true), count(NON_2XX, output, false));
    }

    /** Every message of the topic, read from its beginning with kcat (one JSON event a line). */
    List<String> topic(String bootstrap, String topic) {
        String output = project.exec(TIMEOUT, null, "tools", "kcat", "-b", bootstrap, "-t", topic, "-C", "-o", "beginning", "-e", "-q")
                .orFail();
        return output.lines().filter(line -> line.startsWith("{")).toList();
    }

    private static int count(Pattern pattern, String output, boolean required) {
        Matcher matcher = pattern.matcher(output);
        if (matcher.find()) {
            return Integer.parseInt(matcher.group(1));
        }
        assertThat(required).as("ab printed no '%s' line:%n%s", pattern.pattern(), output).isFalse();
        return 0;
    }
}
