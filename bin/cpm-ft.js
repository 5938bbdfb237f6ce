#!/usr/bin/env node
// Development entry of the cpm-ft CLI: runs the TypeScript sources through tsx's ESM loader, so a
// clone's scripts and tests always run what is checked out, never a stale dist/. It is not shipped:
// the package's `cpm-ft` bin is the built dist/src/cli/bin.js, run by plain node.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
