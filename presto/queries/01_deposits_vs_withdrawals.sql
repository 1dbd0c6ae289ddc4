-- Deposits vs withdrawals: counts and totals
-- How many deposits and withdrawals were made, and how much money each moved.
SELECT event_type,
       count(*) AS transactions,
       sum(amount) AS total_amount
FROM cash_transactions
GROUP BY event_type
ORDER BY event_type
