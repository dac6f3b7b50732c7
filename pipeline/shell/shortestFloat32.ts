/**
 * A FLOAT (float32) value with the digits DuckDB prints: the shortest decimal
 * that reads back as the same float32. JS widens a float32 to a double, so
 * 378.63 arrives as 378.6300048828125; toPrecision(1..9) finds "378.63"
 * (9 significant digits always round-trip a float32). Written the way a JS
 * number prints (as DOUBLE columns are), so NaN, Infinity and 1e+21 look alike
 * in FLOAT and DOUBLE columns.
 */
export function shortestFloat32(value: number): string {
  if (!Number.isFinite(value) || value === 0) return String(value);
  const f = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(value.toPrecision(digits));
    if (Math.fround(shortest) === f) return String(shortest);
  }
  return String(value);
}
