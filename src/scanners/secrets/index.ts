/** The secrets scanner's entry: the scanner, and the worker threads the CLI starts ahead of a scan. */
export { secretsScanner } from './scanner.js';
export { defaultThreads, prestartWorkers, releaseWorkers } from './prestart.js';
