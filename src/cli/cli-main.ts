#!/usr/bin/env node
/**
 * The `cachica-cli` executable: everything lives in cli.ts, where tests can reach it; this file
 * only runs it and turns its result into the process's exit code.
 */

import { main } from './cli.js';

process.exit(await main(process.argv.slice(2)));
