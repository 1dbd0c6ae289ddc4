package dev.bankinglake.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/** Spark's progress report of a batch, as /pipeline shows it. */
final class QueryProgressView {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QueryProgressView() {
    }

    /**
     * {@code rates}: the rows the batch really read and its rates (the service's count, which
     * sees the batches read on the driver); Spark's own count stays as {@code spark_input_rows}.
     */
    static Map<String, Object> toJson(StreamingQueryProgress progress, Optional<BatchRates> rates) {
        Optional<BatchRates> ofThisBatch = rates.filter(rate -> rate.batchId() == progress.batchId());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("batch_id", progress.batchId());
        json.put("timestamp", progress.timestamp());
        json.put("input_rows", ofThisBatch.map(BatchRates::inputRows).orElse(progress.numInputRows()));
        json.put("input_rows_per_second", ofThisBatch.map(BatchRates::inputRowsPerSecond).orElse(finite(progress.inputRowsPerSecond())));
        json.put("processed_rows_per_second",
                ofThisBatch.map(BatchRates::processedRowsPerSecond).orElse(finite(progress.processedRowsPerSecond())));
        json.put("spark_input_rows", progress.numInputRows());
        json.put("batch_duration_ms", progress.batchDuration());
        json.put("durations_ms", new TreeMap<>(progress.durationMs()));
        json.put("kafka_lag", kafkaLag(progress));
        if (progress.eventTime().containsKey("watermark")) {
            json.put("watermark", progress.eventTime().get("watermark"));
        }
        return json;
    }

    /** Per partition: the topic's latest offset minus the offset the batch read up to. */
    static Map<String, Long> kafkaLag(StreamingQueryProgress progress) {
        Map<String, Long> lag = new TreeMap<>();
        for (SourceProgress source : progress.sources()) {
            Map<String, Long> end = offsets(source.endOffset());
            Map<String, Long> latest = offsets(source.latestOffset());
            latest.forEach((partition, offset) -> lag.put(partition, Math.max(0, offset - end.getOrDefault(partition, 0L))));
        }
        return lag;
    }

    private static Map<String, Long> offsets(String json) {
        Map<String, Long> offsets = new TreeMap<>();
        if (json == null || json.isBlank()) {
            return offsets;
        }
        try {
            JsonNode root = JSON.readTree(json);
            root.fields().forEachRemaining(topic -> topic.getValue().fields()
                    .forEachRemaining(partition -> offsets.put(partition.getKey(), partition.getValue().asLong())));
        }
        catch (IOException e) {
            return offsets;
        }
        return offsets;
    }

    private static double finite(double value) {
        return Double.isFinite(value) ? value : 0;
    }
}
