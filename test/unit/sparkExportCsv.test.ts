import { Float32, Float64, Int32, Int64, Table, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { csvLines, formatDouble, formatFloat32, formatMicros, lakeTablePath } from '../../pipeline/export/spark/SparkExportSource.js';

// How the Spark export source writes an Arrow batch for Postgres' COPY (FORMAT csv); the values by hand.
describe('Spark export CSV', () => {
  it('timestamps from epoch microseconds, exact to the microsecond, before 1970 too', () => {
    expect(formatMicros(1_704_103_200_123_456n)).toBe('2024-01-01 10:00:00.123456');
    expect(formatMicros(1_704_103_200_000_000n)).toBe('2024-01-01 10:00:00');
    expect(formatMicros(1_704_103_200_000_001n)).toBe('2024-01-01 10:00:00.000001');
    expect(formatMicros(-1n)).toBe('1969-12-31 23:59:59.999999');
    expect(formatMicros(-62_135_596_800_000_000n)).toBe('0001-01-01 00:00:00');
  });

  it('FLOAT in the digits DuckDB prints, DOUBLE in the shortest round-trip form, special values as Postgres reads them', () => {
    expect(formatFloat32(Math.fround(7.1))).toBe('7.1');
    expect(formatFloat32(Math.fround(378.63))).toBe('378.63');
    expect(formatFloat32(Math.fround(3.4028235e38))).toBe('3.4028235e+38');
    expect(formatFloat32(-0)).toBe('-0');
    expect(formatDouble(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatDouble(1e300)).toBe('1e+300');
    expect(formatDouble(-0)).toBe('-0');
    expect([NaN, Infinity, -Infinity].map(formatDouble)).toEqual(['NaN', 'Infinity', '-Infinity']);
  });

  it('one line per row, NULL as an empty field, bigint above 2^53 exact', () => {
    const batch = new Table({
      Customer_ID: vectorFromArray([1, 2], new Int32()),
      Total_Order_Amount: vectorFromArray([10.5, null], new Float64()),
      Highest_Order_Amount: vectorFromArray([Math.fround(0.1), null], new Float32()),
      Total_Quantity_Ordered: vectorFromArray([9_007_199_254_740_993n, null], new Int64()),
      start_timestamp: vectorFromArray([1_704_103_200_123_456n, 0n], new Int64()),
    });
    expect(csvLines(batch)).toBe('1,10.5,0.1,9007199254740993,2024-01-01 10:00:00.123456\n2,,,,1970-01-01 00:00:00\n');
  });

  it('lake table paths: a folder made absolute, a URI joined with /', () => {
    expect(lakeTablePath('/data/lake/', 'ecommerce_state')).toBe('/data/lake/ecommerce_state');
    expect(lakeTablePath('s3a://bucket/lake/', 'ecommerce_state')).toBe('s3a://bucket/lake/ecommerce_state');
    expect(lakeTablePath('lake', 'x')).toBe(`${process.cwd()}/lake/x`);
  });
});
