-- Money deposited and withdrawn per user
-- Cash each player put in and took out, biggest depositor first.
SELECT user_id,
       sum(CASE WHEN event_type = 'make_deposit' THEN amount ELSE 0 END) AS deposited,
       sum(CASE WHEN event_type = 'make_withdrawal' THEN amount ELSE 0 END) AS withdrawn
FROM cash_transactions
GROUP BY user_id
ORDER BY deposited DESC, user_id
