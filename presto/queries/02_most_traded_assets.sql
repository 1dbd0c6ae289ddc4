-- Most purchased and most sold assets: units and value
-- For every asset, the units and money bought and sold, most bought first.
SELECT asset_name,
       sum(CASE WHEN event_type = 'buy_asset' THEN number_of ELSE 0 END) AS units_bought,
       sum(CASE WHEN event_type = 'buy_asset' THEN amount ELSE 0 END) AS value_bought,
       sum(CASE WHEN event_type = 'sell_asset' THEN number_of ELSE 0 END) AS units_sold,
       sum(CASE WHEN event_type = 'sell_asset' THEN amount ELSE 0 END) AS value_sold
FROM asset_transactions
GROUP BY asset_name
ORDER BY units_bought DESC, asset_name
