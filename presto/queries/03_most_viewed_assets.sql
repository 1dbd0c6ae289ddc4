-- Most viewed assets: price lookups per asset
-- How often each asset's price was looked up; 'all' counts lookups of every price at once.
SELECT asset_name,
       count(*) AS lookups
FROM asset_prices
WHERE event_type = 'return_asset_price'
GROUP BY asset_name
ORDER BY lookups DESC, asset_name
