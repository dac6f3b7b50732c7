-- Data test: rows returned break the rule "one row per (Customer_ID, window)".
SELECT Customer_ID, start_timestamp, count(*) AS copies
FROM ecommerce
GROUP BY ALL
HAVING count(*) > 1
