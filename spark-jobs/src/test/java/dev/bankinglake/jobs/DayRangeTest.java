package dev.bankinglake.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DayRangeTest {
    @Test
    void bothEndsAreOptionalAndIncluded() {
        DayRange range = DayRange.of(Map.of("from_dt", "2026-01-02", "to_dt", " 2026-01-04 "));
        assertThat(range.covers(LocalDate.parse("2026-01-01"))).isFalse();
        assertThat(range.covers(LocalDate.parse("2026-01-02"))).isTrue();
        assertThat(range.covers(LocalDate.parse("2026-01-04"))).isTrue();
        assertThat(range.covers(LocalDate.parse("2026-01-05"))).isFalse();
        assertThat(range.given()).isTrue();
        DayRange all = DayRange.of(Map.of("to_dt", ""));
        assertThat(all.given()).isFalse();
        assertThat(all.covers(LocalDate.parse("1999-12-31"))).isTrue();
    }

    @Test
    void aMalformedDayOrABackwardRangeIsA400() {
        assertThatThrownBy(() -> DayRange.of(Map.of("from_dt", "yesterday"))).isInstanceOf(JobRequestException.class)
                .hasMessage("Invalid parameter from_dt: 'yesterday' (must be a date, yyyy-MM-dd)");
        assertThatThrownBy(() -> DayRange.of(Map.of("from_dt", "2026-01-05", "to_dt", "2026-01-04"))).isInstanceOf(JobRequestException.class)
                .hasMessage("Invalid dt range: from_dt 2026-01-05 is after to_dt 2026-01-04")
                .satisfies(e -> assertThat(((JobRequestException) e).status()).isEqualTo(400));
    }
}
