import { propertySuite } from './support/propertySuite.js';

// 50 reproducible sequences in CI, split over two files so they run in parallel.
// Rerun one: PROPERTY_SEED=17 PROPERTY_SEQUENCES=1 npx vitest run test/incrementalEqualsFull
const only = process.env.PROPERTY_SEED;
if (only) propertySuite(Number(only), Number(process.env.PROPERTY_SEQUENCES ?? 1));
else propertySuite(1, 25);
