-- Generated from the lake contract (dev.bankinglake.contract.WindowTable); do not edit by hand.
-- The lake service creates this table itself at start; this file documents it and lets
-- an operator create it by hand: replace ${LAKE_ROOT} with the lake root.
CREATE EXTERNAL TABLE IF NOT EXISTS event_counts (
  window_start timestamp COMMENT 'Start of the window, UTC, inclusive',
  window_end timestamp COMMENT 'End of the window, UTC, exclusive',
  event_type string COMMENT 'The event type counted',
  events bigint COMMENT 'Events of the type in the window',
  total_amount decimal(18,2) COMMENT 'Sum of amount: cash moved (deposits, withdrawals) or trade value (buys, sells); null for other event types'
)
COMMENT 'Events per event type in tumbling event-time buckets, final once the watermark passed the bucket\'s end'
PARTITIONED BY (dt string COMMENT 'UTC date, yyyy-MM-dd')
STORED AS PARQUET
LOCATION '${LAKE_ROOT}/event_counts';
