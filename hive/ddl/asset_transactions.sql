-- Generated from the lake contract (dev.bankinglake.contract.LakeTable); do not edit by hand.
-- The lake service creates this table itself at start; this file documents it and lets
-- an operator create it by hand: replace ${LAKE_ROOT} with the lake root.
CREATE EXTERNAL TABLE IF NOT EXISTS asset_transactions (
  event_id string COMMENT 'UUID of the event, unique across the topic',
  event_type string COMMENT 'What happened, one of the event types',
  event_time timestamp COMMENT 'When the API accepted the action, UTC, ISO-8601',
  schema_version int COMMENT 'Version of this contract the event was written with',
  user_id string COMMENT 'Account the action is about',
  asset_name string COMMENT 'Asset traded or looked up; \'all\' for a lookup of every asset',
  number_of bigint COMMENT 'Units of the asset bought or sold',
  unit_price decimal(18,2) COMMENT 'Price of one unit at event time',
  amount decimal(18,2) COMMENT 'Cash moved, trade value, or account value for account lookups',
  description string COMMENT 'Human-readable sentence describing the action',
  accept string COMMENT 'HTTP request header Accept',
  host string COMMENT 'HTTP request header Host',
  user_agent string COMMENT 'HTTP request header User-Agent',
  content_length string COMMENT 'HTTP request header Content-Length',
  accept_encoding string COMMENT 'HTTP request header Accept-Encoding',
  connection string COMMENT 'HTTP request header Connection',
  content_type string COMMENT 'HTTP request header Content-Type',
  kafka_partition int COMMENT 'Kafka partition of the message',
  kafka_offset bigint COMMENT 'Kafka offset of the message',
  kafka_timestamp timestamp COMMENT 'Kafka timestamp of the message',
  raw_event string COMMENT 'The event exactly as read from Kafka'
)
COMMENT 'Assets bought and sold'
PARTITIONED BY (dt string COMMENT 'UTC date, yyyy-MM-dd')
STORED AS PARQUET
LOCATION '${LAKE_ROOT}/asset_transactions';
