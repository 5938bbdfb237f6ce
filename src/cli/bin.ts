#!/usr/bin/env node
// The installed package's `cpm-ft` command: built to dist/src/cli/bin.js and run by plain node. A clone
// runs the same CLI from the TypeScript sources through bin/cpm-ft.js instead.
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
