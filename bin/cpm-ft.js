#!/usr/bin/env node
// Entry point of the cpm-ft CLI. The sources are TypeScript run through tsx's ESM loader, so a clone
// works after `npm ci` without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
