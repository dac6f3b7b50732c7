import { afterEach, describe, expect, it } from 'vitest';
import { ECOMMERCE_ORDERED, makeWorkspace, type Workspace } from './support/fixtures.js';

// Every expected number below was worked out by hand from the rows written here,
// not computed by the code under test.
const ORDERS = `Order ID,Customer ID,Order Time,SKU,Quantity,Order Total
"YR-1,0",1,2024-01-01 10:00:00,A,2,10.00
"YR-2,0",1,2024-01-05 12:30:00,B,1,20.50
3,1,2024-01-07T23:59:59.999,A,3.0,5.25
4,2,2024-01-02 08:00:00,C,4,100
5,2,2023-12-29 00:00:00,C,1,1
6,3,2024-01-03 00:00:00,D,1,7
7,1,2024-01-08 00:00:00,E,1,50
`;
const DELIVERIES = `Order ID,Distance (m)
1,1000
"YR-2,0",2000.5
3,500
"YR-4,0",300
5,10
6,1
7,70
`;
const CUSTOMERS = `[{"Customer ID": 1, "Customer Name": "Ann"},
 {"Customer ID": 2, "Customer Name": "Bob", "Market": "Lisbon"}]`;

describe('hand-checked fixture', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('computes the ten metrics per customer per epoch-aligned 10-day window', async () => {
    ws = makeWorkspace('hand');
    ws.write('Orders/orders.csv', ORDERS);
    ws.write('Deliveries/deliveries.csv', DELIVERIES);
    ws.write('Customers/customers.json', CUSTOMERS);
    const report = await ws.run();
    expect(report.rowsRejected).toBe(0);
    const rows = await ws.query(ECOMMERCE_ORDERED);
    // 2023-12-29 is 19720 days after 1970-01-01 (a multiple of 10): windows are
    // [2023-12-29, 2024-01-08) and [2024-01-08, 2024-01-18). Order 7 sits exactly on
    // the boundary and belongs to the later window; order 6's customer never arrived.
    expect(rows).toEqual([
      {
        Customer_ID: 1,
        Total_Order_Amount: 35.75,
        Average_Order_Amount: 35.75 / 3,
        Order_Count: 3,
        Highest_Order_Amount: 20.5,
        Lowest_Order_Amount: 5.25,
        Total_Quantity_Ordered: 6,
        Average_Quantity_Per_Ordered: 2,
        Total_Delivery_Distance: 3500.5,
        Average_Delivery_Distance: 3500.5 / 3,
        Distict_Products: 2,
        start_timestamp: '2023-12-29 00:00:00.000',
        end_timestamp: '2024-01-08 00:00:00.000',
      },
      {
        Customer_ID: 1,
        Total_Order_Amount: 50,
        Average_Order_Amount: 50,
        Order_Count: 1,
        Highest_Order_Amount: 50,
        Lowest_Order_Amount: 50,
        Total_Quantity_Ordered: 1,
        Average_Quantity_Per_Ordered: 1,
        Total_Delivery_Distance: 70,
        Average_Delivery_Distance: 70,
        Distict_Products: 1,
        start_timestamp: '2024-01-08 00:00:00.000',
        end_timestamp: '2024-01-18 00:00:00.000',
      },
      {
        Customer_ID: 2,
        Total_Order_Amount: 101,
        Average_Order_Amount: 50.5,
        Order_Count: 2,
        Highest_Order_Amount: 100,
        Lowest_Order_Amount: 1,
        Total_Quantity_Ordered: 5,
        Average_Quantity_Per_Ordered: 2.5,
        Total_Delivery_Distance: 310,
        Average_Delivery_Distance: 155,
        Distict_Products: 1,
        start_timestamp: '2023-12-29 00:00:00.000',
        end_timestamp: '2024-01-08 00:00:00.000',
      },
    ]);
  });

  it('aligns a different window size to the epoch too (7 days)', async () => {
    ws = makeWorkspace('hand7');
    ws.write('Orders/orders.csv', ORDERS);
    ws.write('Deliveries/deliveries.csv', DELIVERIES);
    ws.write('Customers/customers.json', CUSTOMERS);
    await ws.run({}, { window: '7 days' });
    // 1970-01-01 was a Thursday, so 7-day windows start on Thursdays:
    // 2023-12-28 (19719 = 7 * 2817 days), 2024-01-04.
    const rows = await ws.query<{ Customer_ID: number; start_timestamp: string; Order_Count: number }>(
      'SELECT Customer_ID, start_timestamp, Order_Count FROM ecommerce ORDER BY 1, 2',
    );
    expect(rows).toEqual([
      { Customer_ID: 1, start_timestamp: '2023-12-28 00:00:00.000', Order_Count: 1 },
      { Customer_ID: 1, start_timestamp: '2024-01-04 00:00:00.000', Order_Count: 3 },
      { Customer_ID: 2, start_timestamp: '2023-12-28 00:00:00.000', Order_Count: 2 },
    ]);
  });

  it('exposes exactly the contract columns, in order, with the contract types', async () => {
    ws = makeWorkspace('cols');
    ws.write('Orders/orders.csv', ORDERS);
    ws.write('Deliveries/deliveries.csv', DELIVERIES);
    ws.write('Customers/customers.json', CUSTOMERS);
    await ws.run();
    const cols = await ws.query<{ column_name: string; column_type: string }>('DESCRIBE ecommerce');
    expect(cols.map((c) => `${c.column_name} ${c.column_type}`)).toEqual([
      'Customer_ID INTEGER',
      'Total_Order_Amount DOUBLE',
      'Average_Order_Amount DOUBLE',
      'Order_Count BIGINT',
      'Highest_Order_Amount FLOAT',
      'Lowest_Order_Amount FLOAT',
      'Total_Quantity_Ordered BIGINT',
      'Average_Quantity_Per_Ordered DOUBLE',
      'Total_Delivery_Distance DOUBLE',
      'Average_Delivery_Distance DOUBLE',
      'Distict_Products BIGINT',
      'start_timestamp TIMESTAMP',
      'end_timestamp TIMESTAMP',
    ]);
  });
});
