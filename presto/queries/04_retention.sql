-- Retention: accounts opened vs deleted, per day
-- Accounts opened and closed on each UTC day, and the net change.
SELECT dt AS day,
       count_if(event_type = 'open_account') AS opened,
       count_if(event_type = 'delete_account') AS deleted,
       count_if(event_type = 'open_account') - count_if(event_type = 'delete_account') AS net_accounts
FROM account_status
GROUP BY dt
ORDER BY dt
