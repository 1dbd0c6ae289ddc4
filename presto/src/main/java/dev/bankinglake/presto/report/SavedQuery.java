package dev.bankinglake.presto.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A business question answered by one file of {@code presto/queries}: the first comment line
 * is the question, further comment lines explain it, the rest is the SQL.
 */
public record SavedQuery(String name, String question, String sql) {
    public SavedQuery {
        requireNonNull(name, "name is null");
        requireNonNull(question, "question is null");
        requireNonNull(sql, "sql is null");
        if (question.isBlank()) {
            throw new IllegalArgumentException("Query " + name + " has no question (its first line must be '-- <question>')");
        }
    }

    public static SavedQuery parse(String name, String text) {
        String question = "";
        List<String> sql = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--")) {
                if (question.isEmpty() && sql.isEmpty()) {
                    question = trimmed.substring(2).strip();
                }
                continue;
            }
            if (!trimmed.isEmpty()) {
                sql.add(line.stripTrailing());
            }
        }
        String body = String.join("\n", sql).strip();
        if (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1);
        }
        return new SavedQuery(name, question, body);
    }

    /** Every {@code *.sql} file of the folder, in file-name order. */
    public static List<SavedQuery> loadAll(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<SavedQuery> queries = new ArrayList<>();
            for (Path file : files.filter(path -> path.getFileName().toString().endsWith(".sql")).sorted().toList()) {
                String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
                queries.add(parse(name, Files.readString(file, StandardCharsets.UTF_8)));
            }
            if (queries.isEmpty()) {
                throw new IllegalArgumentException("No saved queries (*.sql) in " + folder);
            }
            return List.copyOf(queries);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read saved queries from " + folder, e);
        }
    }
}
