-- explain: every current order with where its record, delivery and customer
-- come from (file path, physical line) and whether it is counted (an order
-- counts once its delivery and its customer have arrived). Used as {{order_sources}}
-- by order_state.sql, which filters it by key.
SELECT o.Order_ID, o.Customer_ID, o.Order_Time,
       d.Order_ID IS NOT NULL    AS has_delivery,
       c.Customer_ID IS NOT NULL AS has_customer,
       fo.path AS order_path,    ro._line AS order_line,
       fd.path AS delivery_path, rd._line AS delivery_line,
       fc.path AS customer_path, rc._line AS customer_line
FROM cur_orders o
JOIN raw_orders ro ON ro._file_id = o._file_id AND ro._row = o._row
JOIN pipeline_files fo ON fo.file_id = o._file_id
LEFT JOIN cur_deliveries d ON d.Order_ID = o.Order_ID
LEFT JOIN raw_deliveries rd ON rd._file_id = d._file_id AND rd._row = d._row
LEFT JOIN pipeline_files fd ON fd.file_id = d._file_id
LEFT JOIN cur_customers c ON c.Customer_ID = o.Customer_ID
LEFT JOIN raw_customers rc ON rc._file_id = c._file_id AND rc._row = c._row
LEFT JOIN pipeline_files fc ON fc.file_id = c._file_id
