// (g) idle memory: a process that imports the library the way a user's program does and creates one
// client, then reports its peak RSS and exits. Run from dist/ it imports the package's bundled entry
// (what `import 'cpm-ft'` resolves to); from the sources it imports src/index.ts through tsx.

const fromSources = import.meta.url.endsWith('.ts');
const entry = new URL(fromSources ? '../src/index.ts' : '../bundle/src/index.js', import.meta.url).href;
const { createClient } = (await import(entry)) as typeof import('../src/index.ts');

const client = await createClient({ localUri: 'sip:idle@127.0.0.1', sip: { host: '127.0.0.1', port: 0, transport: 'udp' } });
// Let start-up work (timers, the first GC) settle before reading the peak.
await new Promise((resolve) => setTimeout(resolve, 300));
process.stdout.write(`${JSON.stringify({ peakRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
await client.close();
