package dev.bankinglake.jobs;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code from_dt} / {@code to_dt} parameters of a job that works on a range of days
 * (yyyy-MM-dd, both ends included, either or both may be left out), checked as every such job
 * checks them: a malformed date or a range that ends before it starts is a 400.
 */
public record DayRange(Optional<LocalDate> from, Optional<LocalDate> to) {
    public static final String FROM_DT = "from_dt";
    public static final String TO_DT = "to_dt";

    public DayRange {
        if (from.isPresent() && to.isPresent() && from.get().isAfter(to.get())) {
            throw new JobRequestException(400, "Invalid dt range: " + FROM_DT + " " + from.get() + " is after " + TO_DT + " " + to.get());
        }
    }

    /** The range of a request's parameters. */
    public static DayRange of(Map<String, String> parameters) throws JobRequestException {
        return new DayRange(day(parameters, FROM_DT), day(parameters, TO_DT));
    }

    /** Whether the day is in the range. */
    public boolean covers(LocalDate day) {
        return from.map(start -> !day.isBefore(start)).orElse(true) && to.map(end -> !day.isAfter(end)).orElse(true);
    }

    /** Whether either end was given. */
    public boolean given() {
        return from.isPresent() || to.isPresent();
    }

    private static Optional<LocalDate> day(Map<String, String> parameters, String name) {
        String value = parameters.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(value.trim()));
        }
        catch (DateTimeParseException e) {
            throw new JobRequestException(400, "Invalid parameter " + name + ": '" + value + "' (must be a date, yyyy-MM-dd)");
        }
    }
}
