package dev.bankinglake.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BatchRatesTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00.000Z");

    @Test
    void theInputRateIsTheRowsOverTheTimeSinceThePreviousTriggerAndTheProcessingRateOverTheBatch() {
        BatchRates rates = BatchRates.of(93, 1519, T0.plusSeconds(2), T0, Duration.ofMillis(500));
        assertThat(rates.batchId()).isEqualTo(93);
        assertThat(rates.inputRows()).isEqualTo(1519);
        assertThat(rates.inputRowsPerSecond()).isCloseTo(759.5, within(1e-9));
        assertThat(rates.processedRowsPerSecond()).isCloseTo(3038.0, within(1e-9));
    }

    @Test
    void aFewRowsGiveARateBelowOneNotZero() {
        BatchRates rates = BatchRates.of(1, 1, T0.plusSeconds(4), T0, Duration.ofMillis(250));
        assertThat(rates.inputRowsPerSecond()).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void theFirstBatchOfARunHasNoInputRateAndAnEmptyBatchNoRates() {
        assertThat(BatchRates.of(0, 10, T0, null, Duration.ofMillis(100)).inputRowsPerSecond()).isZero();
        BatchRates empty = BatchRates.of(5, 0, T0.plusSeconds(1), T0, Duration.ZERO);
        assertThat(empty.inputRowsPerSecond()).isZero();
        assertThat(empty.processedRowsPerSecond()).isZero();
        assertThatThrownBy(() -> new BatchRates(1, -1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
