-- Generated from the lake contract (dev.bankinglake.contract.LakeTable); do not edit by hand.
-- The lake service creates this table itself at start; this file documents it and lets
-- an operator create it by hand: replace ${LAKE_ROOT} with the lake root.
CREATE EXTERNAL TABLE IF NOT EXISTS rejected_events (
  kafka_topic string COMMENT 'Topic the message was read from',
  kafka_partition int COMMENT 'Kafka partition of the message',
  kafka_offset bigint COMMENT 'Kafka offset of the message',
  kafka_timestamp timestamp COMMENT 'Kafka timestamp of the message',
  reason string COMMENT 'Why the message was rejected',
  raw_value string COMMENT 'The message value as read from Kafka (UTF-8)'
)
COMMENT 'Messages that broke the event contract, with the reason'
PARTITIONED BY (dt string COMMENT 'UTC date, yyyy-MM-dd')
STORED AS PARQUET
LOCATION '${LAKE_ROOT}/rejected_events';
