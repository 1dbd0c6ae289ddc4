-- Generated from the lake contract (dev.bankinglake.contract.WindowTable); do not edit by hand.
-- The lake service creates this table itself at start; this file documents it and lets
-- an operator create it by hand: replace ${LAKE_ROOT} with the lake root.
CREATE EXTERNAL TABLE IF NOT EXISTS trade_windows (
  window_start timestamp COMMENT 'Start of the window, UTC, inclusive',
  window_end timestamp COMMENT 'End of the window, UTC, exclusive',
  asset_name string COMMENT 'The asset traded',
  trades bigint COMMENT 'Buys and sells of the asset in the window',
  units_bought bigint COMMENT 'Sum of number_of over the buys',
  units_sold bigint COMMENT 'Sum of number_of over the sells',
  value_bought decimal(18,2) COMMENT 'Sum of amount over the buys',
  value_sold decimal(18,2) COMMENT 'Sum of amount over the sells',
  avg_unit_price decimal(18,2) COMMENT 'Average unit_price over the trades, rounded half up to two decimals',
  min_unit_price decimal(18,2) COMMENT 'Lowest unit_price of a trade',
  max_unit_price decimal(18,2) COMMENT 'Highest unit_price of a trade'
)
COMMENT 'Trades per asset in sliding event-time windows, final once the watermark passed the window\'s end'
PARTITIONED BY (dt string COMMENT 'UTC date, yyyy-MM-dd')
STORED AS PARQUET
LOCATION '${LAKE_ROOT}/trade_windows';
