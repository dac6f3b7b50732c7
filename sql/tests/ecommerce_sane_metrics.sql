-- Data test: metric rows that contradict themselves.
SELECT *
FROM ecommerce
WHERE Order_Count < 1
   OR Distict_Products < 1
   OR Distict_Products > Order_Count
   OR Lowest_Order_Amount > Highest_Order_Amount
   OR end_timestamp <= start_timestamp
