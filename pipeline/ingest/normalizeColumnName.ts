import type { DatasetSpec } from './datasets.js';

/**
 * docs/contract.md, "Columns as producers write them": runs of whitespace become `_`,
 * names match case-insensitively, known aliases map to the canonical name
 * (`Distance (m)` -> `Distance_m`, orders' `Discount` -> `Order_Discount`).
 * Unknown columns keep their normalised spelling.
 */
export function normalizeColumnName(spec: DatasetSpec, producerName: string): string {
  const underscored = producerName.trim().replace(/\s+/g, '_');
  const lower = underscored.toLowerCase();
  const alias = spec.aliases[lower];
  if (alias) return alias;
  const known = spec.known.find((k) => k.toLowerCase() === lower);
  return known ?? underscored;
}
