package dev.bankinglake.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.LakeBatchWriter;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IngestMetricsTest {
    private static final Pattern MEDIAN = Pattern.compile("(?m)^lake_small_batch_duration_seconds\\{quantile=\"0\\.5\"} ([0-9.Ee+-]+)$");
    private static final Pattern COUNT = Pattern.compile("(?m)^lake_small_batch_duration_seconds_count ([0-9.]+)$");

    @Test
    void smallBatchesGiveTheMedianFixedCost() {
        IngestMetrics metrics = new IngestMetrics();
        metrics.batchRan(1, Duration.ofMillis(200));
        metrics.batchRan(3, Duration.ofMillis(220));
        metrics.batchRan(1, Duration.ofMillis(900));
        // not small: a backlog batch and an empty one say nothing about the fixed cost
        metrics.batchRan(200_000, Duration.ofSeconds(7));
        metrics.batchRan(0, Duration.ofMillis(5));

        String scrape = metrics.scrape();
        assertThat(value(COUNT, scrape)).isEqualTo(3.0);
        // Micrometer's percentiles are approximations from a histogram of buckets
        assertThat(value(MEDIAN, scrape)).isBetween(0.19, 0.24);
    }

    @Test
    void aCommittedBatchCountsBySizeOfWhatItWrote() {
        IngestMetrics metrics = new IngestMetrics();
        metrics.batchCommitted(outcome(0, Map.of(LakeTable.ASSET_PRICES, 1L)), Duration.ofMillis(240));
        metrics.batchCommitted(outcome(1, Map.of(LakeTable.ASSET_PRICES, 30L, LakeTable.REJECTED_EVENTS, 1L)), Duration.ofMillis(900));

        String scrape = metrics.scrape();
        assertThat(value(COUNT, scrape)).isEqualTo(1.0);
        assertThat(value(MEDIAN, scrape)).isBetween(0.22, 0.26);
        assertThat(scrape).contains("lake_batches_total 2.0");
    }

    private static LakeBatchWriter.BatchOutcome outcome(long batchId, Map<LakeTable, Long> rows) {
        return new LakeBatchWriter.BatchOutcome(batchId, rows, Duration.ofMillis(100), Duration.ofMillis(50), Map.of(), java.util.Optional.empty());
    }

    @Test
    void noSmallBatchYetShowsNoCount() {
        IngestMetrics metrics = new IngestMetrics();
        metrics.batchRan(IngestMetrics.SMALL_BATCH_ROWS + 1, Duration.ofMillis(300));

        assertThat(value(COUNT, metrics.scrape())).isZero();
    }

    private static double value(Pattern pattern, String scrape) {
        Matcher matcher = pattern.matcher(scrape);
        assertThat(matcher.find()).as("%s in the scrape:%n%s", pattern, scrape).isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
