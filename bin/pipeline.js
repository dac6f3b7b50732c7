#!/usr/bin/env node
// The CLI as one bundle (scripts/bundleCli.mjs, written by `npm run build`): a no-op run starts ~0.1 s sooner.
import '../dist/bundle/main.js';
