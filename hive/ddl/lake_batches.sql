-- Generated from the lake contract (dev.bankinglake.contract.ServiceTable); do not edit by hand.
-- The lake service creates this table itself at start; this file documents it and lets
-- an operator create it by hand: replace ${LAKE_ROOT} with the lake root.
CREATE EXTERNAL TABLE IF NOT EXISTS lake_batches (
  batch_id bigint COMMENT 'Micro-batch id (Spark\'s, per checkpoint)',
  query_id string COMMENT 'Streaming query id, stable across restarts of one checkpoint',
  run_id string COMMENT 'Run of the query that committed the batch',
  kafka_topic string COMMENT 'Topic the batch read',
  start_offsets string COMMENT 'First offset per partition, JSON {"partition": offset}',
  end_offsets string COMMENT 'Offset after the last one read per partition (exclusive), JSON {"partition": offset}',
  offsets_consumed bigint COMMENT 'Messages the batch consumed: sum of end minus start offsets',
  rows_asset_prices bigint COMMENT 'Rows the batch wrote to asset_prices',
  rows_account_status bigint COMMENT 'Rows the batch wrote to account_status',
  rows_asset_transactions bigint COMMENT 'Rows the batch wrote to asset_transactions',
  rows_cash_transactions bigint COMMENT 'Rows the batch wrote to cash_transactions',
  rows_rejected_events bigint COMMENT 'Rows the batch wrote to rejected_events',
  files_committed string COMMENT 'Files committed per table, JSON {"table": count}',
  partitions_committed string COMMENT 'Partitions written per table, JSON {"table": ["yyyy-MM-dd", ...]}',
  duration_ms bigint COMMENT 'Time to write and commit the batch',
  parse_ms bigint COMMENT 'Of which: read, parse and validate',
  write_ms bigint COMMENT 'Of which: write and commit the files',
  batch_time timestamp COMMENT 'Spark\'s timestamp of the batch (kept on replay)',
  committed_at timestamp COMMENT 'When the batch\'s files were committed'
)
COMMENT 'Lineage of the committed micro-batches of the ingest query'
PARTITIONED BY (dt string COMMENT 'UTC date, yyyy-MM-dd')
STORED AS PARQUET
LOCATION '${LAKE_ROOT}/lake_batches';
