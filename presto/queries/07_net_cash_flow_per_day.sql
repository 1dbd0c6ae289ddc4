-- Net cash flow per day
-- Money that came into the game (deposits) minus money that left it (withdrawals), per UTC day.
SELECT dt AS day,
       sum(CASE WHEN event_type = 'make_deposit' THEN amount ELSE 0 END) AS deposited,
       sum(CASE WHEN event_type = 'make_withdrawal' THEN amount ELSE 0 END) AS withdrawn,
       sum(CASE WHEN event_type = 'make_deposit' THEN amount ELSE -amount END) AS net_cash_flow
FROM cash_transactions
GROUP BY dt
ORDER BY dt
