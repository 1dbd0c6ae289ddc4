-- Top traders by traded value
-- Players ranked by the value of everything they bought and sold.
SELECT user_id,
       count(*) AS trades,
       sum(amount) AS traded_value
FROM asset_transactions
GROUP BY user_id
ORDER BY traded_value DESC, user_id
LIMIT 10
