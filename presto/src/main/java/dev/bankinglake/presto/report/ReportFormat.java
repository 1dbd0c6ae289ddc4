package dev.bankinglake.presto.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/** How the report prints: a readable table per question, or CSV / JSON for machines. */
public enum ReportFormat {
    TABLE {
        @Override
        public String render(List<QueryResult> results) {
            StringBuilder out = new StringBuilder();
            int number = 1;
            for (QueryResult result : results) {
                out.append("== ").append(number++).append(". ").append(result.query().question()).append(" ==\n");
                out.append(table(result)).append('\n');
            }
            return out.toString();
        }
    },
    CSV {
        @Override
        public String render(List<QueryResult> results) {
            StringBuilder out = new StringBuilder();
            for (QueryResult result : results) {
                if (out.length() > 0) {
                    out.append('\n');
                }
                out.append("# ").append(result.query().name()).append(": ").append(result.query().question()).append('\n');
                out.append(csvLine(result.columns())).append('\n');
                result.rows().forEach(row -> out.append(csvLine(row)).append('\n'));
            }
            return out.toString();
        }
    },
    JSON {
        @Override
        public String render(List<QueryResult> results) {
            StringJoiner reports = new StringJoiner(",\n  ", "[\n  ", "\n]\n");
            for (QueryResult result : results) {
                StringJoiner rows = new StringJoiner(", ", "[", "]");
                for (List<String> row : result.rows()) {
                    StringJoiner fields = new StringJoiner(", ", "{", "}");
                    for (int column = 0; column < result.columns().size(); column++) {
                        fields.add(jsonString(result.columns().get(column)) + ": " + jsonValue(row.get(column)));
                    }
                    rows.add(fields.toString());
                }
                StringJoiner columns = new StringJoiner(", ", "[", "]");
                result.columns().forEach(column -> columns.add(jsonString(column)));
                reports.add("{\"query\": " + jsonString(result.query().name())
                        + ", \"question\": " + jsonString(result.query().question())
                        + ", \"columns\": " + columns
                        + ", \"rows\": " + rows + "}");
            }
            return reports.toString();
        }
    };

    public abstract String render(List<QueryResult> results);

    public static ReportFormat parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid format: '" + name + "' (must be table, csv or json)", e);
        }
    }

    static String table(QueryResult result) {
        List<String> header = result.columns();
        int[] widths = new int[header.size()];
        for (int column = 0; column < header.size(); column++) {
            widths[column] = header.get(column).length();
        }
        for (List<String> row : result.rows()) {
            for (int column = 0; column < row.size(); column++) {
                widths[column] = Math.max(widths[column], display(row.get(column)).length());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add(line(header, widths, result));
        StringJoiner rule = new StringJoiner("-+-");
        for (int width : widths) {
            rule.add("-".repeat(width));
        }
        lines.add(rule.toString());
        result.rows().forEach(row -> lines.add(line(row, widths, result)));
        lines.add("(" + result.rows().size() + (result.rows().size() == 1 ? " row)" : " rows)"));
        return String.join("\n", lines) + "\n";
    }

    private static String line(List<String> values, int[] widths, QueryResult result) {
        StringJoiner line = new StringJoiner(" | ");
        for (int column = 0; column < values.size(); column++) {
            String value = display(values.get(column));
            boolean numeric = !result.rows().isEmpty() && isNumber(result.rows().get(0).get(column));
            line.add(numeric ? " ".repeat(widths[column] - value.length()) + value : value + " ".repeat(widths[column] - value.length()));
        }
        return line.toString().stripTrailing();
    }

    private static String display(String value) {
        return value == null ? "NULL" : value;
    }

    private static boolean isNumber(String value) {
        return value != null && value.matches("-?\\d+(\\.\\d+)?");
    }

    private static String csvLine(List<String> values) {
        StringJoiner line = new StringJoiner(",");
        for (String value : values) {
            if (value == null) {
                line.add("");
            } else if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
                line.add("\"" + value.replace("\"", "\"\"") + "\"");
            } else {
                line.add(value);
            }
        }
        return line.toString();
    }

    private static String jsonValue(String value) {
        if (value == null) {
            return "null";
        }
        return isNumber(value) ? value : jsonString(value);
    }

    static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
