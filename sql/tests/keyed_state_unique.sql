-- Data test: keys that appear more than once in the keyed current state.
SELECT 'cur_orders' AS tbl, Order_ID AS key FROM cur_orders GROUP BY Order_ID HAVING count(*) > 1
UNION ALL
SELECT 'cur_deliveries', Order_ID FROM cur_deliveries GROUP BY Order_ID HAVING count(*) > 1
UNION ALL
SELECT 'cur_customers', Customer_ID FROM cur_customers GROUP BY Customer_ID HAVING count(*) > 1
