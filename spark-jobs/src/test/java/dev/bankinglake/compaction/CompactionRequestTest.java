package dev.bankinglake.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.jobs.JobRequestException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactionRequestTest {
    private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");

    @Test
    void withoutParametersEveryTableAndEveryClosedPartition() {
        CompactionRequest request = CompactionRequest.parse(Map.of(), NOW);
        assertThat(request.tables()).isEqualTo(TableDefinition.all());
        assertThat(request.explicitRange()).isFalse();
        assertThat(request.compacts(LocalDate.parse("2026-11-20"), NOW, Duration.ofHours(1))).isTrue();
        assertThat(request.compacts(LocalDate.parse("2026-11-20"), NOW, Duration.ofHours(9))).as("within the close grace").isFalse();
        assertThat(request.compacts(LocalDate.parse("2026-11-21"), NOW, Duration.ZERO)).isFalse();
        assertThat(request.covers(LocalDate.parse("2026-11-21"))).as("still looked at, to finish earlier runs").isTrue();
    }

    @Test
    void aTableAndARangeOfPastDays() {
        CompactionRequest request = CompactionRequest.parse(Map.of("table", "rejected_events", "from_dt", "2026-11-18", "to_dt", "2026-11-20",
                "target_file_size", "64 MB"), NOW);
        assertThat(request.tables()).containsExactly(LakeTable.REJECTED_EVENTS);
        assertThat(request.targetFileSize()).hasValue(64L * 1024 * 1024);
        assertThat(request.covers(LocalDate.parse("2026-11-17"))).isFalse();
        assertThat(request.compacts(LocalDate.parse("2026-11-18"), NOW, Duration.ofHours(1))).isTrue();
        // a range asked for is compacted whatever the schedule's grace
        assertThat(request.compacts(LocalDate.parse("2026-11-20"), NOW, Duration.ofHours(9))).isTrue();
    }

    @Test
    void openMinFilesMergesTheDaysTheScheduleDoesNotCompactYet() {
        CompactionRequest request = CompactionRequest.parse(Map.of("open_min_files", "40"), NOW);
        assertThat(request.openMinFiles()).hasValue(40);
        assertThat(request.mergesOpen(LocalDate.parse("2026-11-21"), NOW, Duration.ofHours(1))).as("today").isTrue();
        assertThat(request.mergesOpen(LocalDate.parse("2026-11-22"), NOW, Duration.ofHours(1))).as("a day ahead").isTrue();
        assertThat(request.mergesOpen(LocalDate.parse("2026-11-20"), NOW, Duration.ofHours(9))).as("yesterday within the grace").isTrue();
        assertThat(request.mergesOpen(LocalDate.parse("2026-11-20"), NOW, Duration.ofHours(1))).as("closed: compacted whole").isFalse();
        assertThat(request.compacts(LocalDate.parse("2026-11-20"), NOW, Duration.ofHours(1))).isTrue();
        assertThat(CompactionRequest.parse(Map.of(), NOW).mergesOpen(LocalDate.parse("2026-11-21"), NOW, Duration.ofHours(1)))
                .as("not asked for").isFalse();
        assertThat(CompactionRequest.parse(Map.of("open_min_files", "2", "table", "asset_prices", "to_dt", "2026-11-19"), NOW)
                .mergesOpen(LocalDate.parse("2026-11-21"), NOW, Duration.ofHours(1))).as("outside the range").isFalse();
    }

    @Test
    void refusesWhatItCannotRunWithAReason() {
        assertRefused(Map.of("table", "cash"), "Invalid parameter table: 'cash' (known: asset_prices, account_status, asset_transactions, "
                + "cash_transactions, rejected_events, lake_batches, event_counts, trade_windows)");
        assertRefused(Map.of("from_dt", "yesterday"), "Invalid parameter from_dt: 'yesterday' (must be a date, yyyy-MM-dd)");
        assertRefused(Map.of("from_dt", "2026-11-20", "to_dt", "2026-11-19"), "Invalid dt range: from_dt 2026-11-20 is after to_dt 2026-11-19");
        assertRefused(Map.of("to_dt", "2026-11-21"), "Invalid dt range: 2026-11-21 is not closed (only days before today, 2026-11-21 UTC, are compacted)");
        assertRefused(Map.of("open_min_files", "1"), "Invalid parameter open_min_files: '1' (must be a whole number, 2 to 100000)");
        assertRefused(Map.of("open_min_files", "some"), "Invalid parameter open_min_files: 'some' (must be a whole number, 2 to 100000)");
        assertRefused(Map.of("target_file_size", "1 KB"), "Invalid parameter target_file_size: '1 KB' (must be 1 MB to 16 GB, e.g. '128 MB')");
    }

    private static void assertRefused(Map<String, String> parameters, String message) {
        assertThatThrownBy(() -> CompactionRequest.parse(parameters, NOW))
                .isInstanceOf(JobRequestException.class)
                .hasMessage(message)
                .satisfies(error -> assertThat(((JobRequestException) error).status()).isEqualTo(400));
    }
}
