import { expect, it } from 'vitest';
import { DATASETS } from '../../pipeline/ingest/datasets.js';
import { normalizeColumnName } from '../../pipeline/ingest/normalizeColumnName.js';

it('whitespace runs become _, names match case-insensitively, aliases map per dataset', () => {
  expect(normalizeColumnName(DATASETS.Orders, '  Order   ID ')).toBe('Order_ID');
  expect(normalizeColumnName(DATASETS.Orders, 'order total')).toBe('Order_Total');
  expect(normalizeColumnName(DATASETS.Orders, 'Discount')).toBe('Order_Discount');
  expect(normalizeColumnName(DATASETS.Deliveries, 'Discount')).toBe('Discount');
  expect(normalizeColumnName(DATASETS.Deliveries, 'Distance (m)')).toBe('Distance_m');
  expect(normalizeColumnName(DATASETS.Deliveries, 'DISTANCE(M)')).toBe('Distance_m');
  expect(normalizeColumnName(DATASETS.Customers, 'Number of employees')).toBe('Number_of_Employees');
  expect(normalizeColumnName(DATASETS.Orders, 'Gift  Wrap')).toBe('Gift_Wrap');
});
