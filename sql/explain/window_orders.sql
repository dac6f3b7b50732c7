-- explain --customer --window: the customer's current orders in one window
-- (each is then explained like `explain --order`: sources, counted or why not).
-- $1: Customer_ID; $2: the window start; $3: the window size (an INTERVAL).
SELECT Order_ID
FROM cur_orders
WHERE Customer_ID = $1
  AND Order_Time >= $2::TIMESTAMP AND Order_Time < $2::TIMESTAMP + $3::INTERVAL
ORDER BY Order_ID
