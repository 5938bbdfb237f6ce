#!/usr/bin/env node
// The installed package's `cpm-ft` command: built to dist/src/cli/bin.js and run by plain node. A clone
// runs the same CLI from the TypeScript sources through bin/cpm-ft.js instead.
// This process is the CLI's own, so it sets V8's heap policy (src/heap-growth.ts), before the
// rest of the CLI is even parsed: a static import would be loaded first.
import './heap-growth-first.ts';

const { main } = await import('./main.ts');

process.exitCode = await main(process.argv.slice(2));
