package dev.bankinglake.stack.compose;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stages of a multi-stage Dockerfile, as far as the static checks need them: each stage's
 * base (an image or an earlier stage), its instructions, and the ARG defaults declared before the
 * first FROM (the only ones a FROM line can use).
 */
record DockerfileStages(Map<String, String> globalArgs, List<Stage> stages) {
    private static final Pattern FROM = Pattern.compile("(?i)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
    private static final Pattern ARG = Pattern.compile("(?i)^ARG\\s+([A-Za-z0-9_]+)(?:=(\\S+))?\\s*$");
    private static final Pattern REFERENCE = Pattern.compile("^\\$\\{?([A-Za-z0-9_]+)}?$");

    /** One stage: its name (or its index), what it starts FROM, and its instruction lines, comments and blanks left out. */
    record Stage(String name, String from, List<String> instructions) {
        Stage {
            requireNonNull(name, "name is null");
            requireNonNull(from, "from is null");
            instructions = List.copyOf(instructions);
        }
    }

    DockerfileStages {
        globalArgs = Map.copyOf(globalArgs);
        stages = List.copyOf(stages);
    }

    static DockerfileStages read(Path dockerfile) throws IOException {
        Map<String, String> args = new LinkedHashMap<>();
        List<Stage> stages = new ArrayList<>();
        String name = null;
        String from = null;
        List<String> instructions = new ArrayList<>();
        for (String line : joinContinuations(Files.readAllLines(dockerfile))) {
            Matcher fromLine = FROM.matcher(line);
            if (fromLine.matches()) {
                if (from != null) {
                    stages.add(new Stage(name, from, instructions));
                }
                from = fromLine.group(1);
                name = fromLine.group(2) != null ? fromLine.group(2) : String.valueOf(stages.size());
                instructions = new ArrayList<>();
                continue;
            }
            Matcher argLine = ARG.matcher(line);
            if (from == null && argLine.matches()) {
                args.put(argLine.group(1), argLine.group(2));
            }
            else if (from != null) {
                instructions.add(line);
            }
        }
        if (from != null) {
            stages.add(new Stage(name, from, instructions));
        }
        return new DockerfileStages(args, stages);
    }

    Optional<Stage> stage(String name) {
        return stages.stream().filter(stage -> stage.name().equals(name)).findFirst();
    }

    /** The stage a build of {@code target} ends with: the named one, or the last. */
    Stage target(Optional<String> target) {
        return target.map(name -> stage(name).orElseThrow(() -> new IllegalArgumentException("no stage " + name)))
                .orElse(stages.get(stages.size() - 1));
    }

    /** The stages a build of the target runs through, from the one FROM an image down to the target itself. */
    List<Stage> chain(Optional<String> target) {
        List<Stage> chain = new ArrayList<>();
        Stage stage = target(target);
        while (stage != null) {
            chain.add(0, stage);
            stage = stage(stage.from()).orElse(null);
        }
        return chain;
    }

    /** Every instruction of the chain, in build order. */
    List<String> instructions(Optional<String> target) {
        return chain(target).stream().flatMap(stage -> stage.instructions().stream()).toList();
    }

    /** The ARG a FROM line names (FROM ${NAME}), if it names one. */
    static Optional<String> argument(String from) {
        Matcher reference = REFERENCE.matcher(from);
        return reference.matches() ? Optional.of(reference.group(1)) : Optional.empty();
    }

    private static List<String> joinContinuations(List<String> lines) {
        List<String> joined = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : lines) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            joined.add(current.toString().strip());
            current.setLength(0);
        }
        if (!current.isEmpty()) {
            joined.add(current.toString().strip());
        }
        return joined;
    }
}
