#!/usr/bin/env node
/** The `pipeguard` executable: the only place that touches `process`. */
import { run } from './run.js';

// A closed pipe (`pipeguard rules | head`) is not an error worth a stack trace.
for (const s of [process.stdout, process.stderr]) s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(0) : undefined));

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
  env: process.env,
  now: () => new Date(),
  onSignal: (handler) => {
    const on = (s: 'SIGINT' | 'SIGTERM') => () => handler(s);
    const int = on('SIGINT');
    const term = on('SIGTERM');
    process.on('SIGINT', int);
    process.on('SIGTERM', term);
    return () => {
      process.off('SIGINT', int);
      process.off('SIGTERM', term);
    };
  },
});
// Let stdout drain before exiting (large reports piped to another program).
process.stdout.write('', () => process.exit(code));
