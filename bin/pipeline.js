#!/usr/bin/env node
import '../dist/pipeline/cli/main.js';
