package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.jobs.DayRange;
import dev.bankinglake.jobs.JobRequestException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The parameters of a {@code compact} run: {@code table} (default: every table), {@code from_dt} and
 * {@code to_dt} (default: every closed partition, as the schedule does; given, any days before
 * today), {@code target_file_size} (default: the service's setting), {@code open_min_files} (default: days still open are
 * left alone; given, such a day's partition is merged once it holds that many batch files: its batch files are rewritten,
 * the files of earlier compactions carried over).
 */
public record CompactionRequest(List<TableDefinition> tables, Optional<LocalDate> from, Optional<LocalDate> to, OptionalLong targetFileSize,
        OptionalInt openMinFiles) {
    public static final String TABLE = "table";
    public static final String FROM_DT = DayRange.FROM_DT;
    public static final String TO_DT = DayRange.TO_DT;
    public static final String TARGET_FILE_SIZE = "target_file_size";
    public static final String OPEN_MIN_FILES = "open_min_files";
    private static final int MAX_OPEN_MIN_FILES = 100_000;

    public CompactionRequest {
        tables = List.copyOf(tables);
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(targetFileSize, "targetFileSize is null");
        requireNonNull(openMinFiles, "openMinFiles is null");
    }

    /** Parses and checks the parameters; refuses what it cannot run with a 400 that says why. */
    public static CompactionRequest parse(Map<String, String> parameters, Instant now) {
        List<TableDefinition> tables = TableDefinition.all();
        String table = parameters.get(TABLE);
        if (table != null && !table.isBlank()) {
            tables = TableDefinition.all().stream().filter(definition -> definition.tableName().equals(table.trim())).toList();
            if (tables.isEmpty()) {
                throw new JobRequestException(400, "Invalid parameter table: '" + table + "' (known: "
                        + TableDefinition.all().stream().map(TableDefinition::tableName).collect(Collectors.joining(", ")) + ")");
            }
        }
        DayRange range = DayRange.of(parameters);
        Optional<LocalDate> from = range.from();
        Optional<LocalDate> to = range.to();
        LocalDate today = ClosedPartitions.today(now);
        for (Optional<LocalDate> day : List.of(from, to)) {
            if (day.isPresent() && !day.get().isBefore(today)) {
                throw new JobRequestException(400, "Invalid dt range: " + day.get() + " is not closed (only days before today, " + today
                        + " UTC, are compacted)");
            }
        }
        OptionalLong target = OptionalLong.empty();
        String size = parameters.get(TARGET_FILE_SIZE);
        if (size != null && !size.isBlank()) {
            try {
                long parsed = CompactionConfig.parseSize(size);
                new CompactionConfig(false, Duration.ofMinutes(1), Duration.ZERO, Duration.ZERO, parsed, 0, Duration.ofMinutes(1));
                target = OptionalLong.of(parsed);
            }
            catch (IllegalArgumentException e) {
                throw new JobRequestException(400, "Invalid parameter target_file_size: '" + size + "' (must be 1 MB to 16 GB, e.g. '128 MB')");
            }
        }
        OptionalInt openMinFiles = OptionalInt.empty();
        String minFiles = parameters.get(OPEN_MIN_FILES);
        if (minFiles != null && !minFiles.isBlank()) {
            try {
                openMinFiles = OptionalInt.of(Integer.parseInt(minFiles.trim()));
            }
            catch (NumberFormatException e) {
                openMinFiles = OptionalInt.of(-1);
            }
            if (openMinFiles.getAsInt() < 2 || openMinFiles.getAsInt() > MAX_OPEN_MIN_FILES) {
                throw new JobRequestException(400, "Invalid parameter open_min_files: '" + minFiles + "' (must be a whole number, 2 to "
                        + MAX_OPEN_MIN_FILES + ")");
            }
        }
        return new CompactionRequest(tables, from, to, target, openMinFiles);
    }

    /** A range was asked for: its days are compacted whatever the schedule's grace says. */
    public boolean explicitRange() {
        return from.isPresent() || to.isPresent();
    }

    /** Whether the run looks at the day at all (to finish earlier runs there, if nothing else). */
    public boolean covers(LocalDate day) {
        return new DayRange(from, to).covers(day);
    }

    /** Whether the run compacts the day: in the range and before today, or without a range, closed by the schedule's rule. */
    public boolean compacts(LocalDate day, Instant now, Duration closeGrace) {
        if (!covers(day)) {
            return false;
        }
        return explicitRange() ? ClosedPartitions.isPast(day, now) : ClosedPartitions.isClosed(day, now, closeGrace);
    }

    /**
     * Whether the run merges the batch files of the day, a day the schedule does not compact yet
     * (today, a day ahead, or yesterday within the close grace), when it asked for {@code open_min_files}.
     */
    public boolean mergesOpen(LocalDate day, Instant now, Duration closeGrace) {
        return openMinFiles.isPresent() && covers(day) && !ClosedPartitions.isClosed(day, now, closeGrace) && !compacts(day, now, closeGrace);
    }
}
