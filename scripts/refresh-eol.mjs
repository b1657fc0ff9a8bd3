// Refreshes src/data/eol.json (end-of-life dates of distributions and runtimes) from endoflife.date's API:
// `node scripts/refresh-eol.mjs [BASE_URL]` (default https://endoflife.date/api). Every product is fetched and
// checked before the file is replaced (written to a temporary file, then renamed): a failure leaves it as it was.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

// EOL_FILE: another file to refresh (the tests refresh a copy).
const FILE = process.env.EOL_FILE ?? new URL('../src/data/eol.json', import.meta.url).pathname;
const base = (process.argv[2] ?? 'https://endoflife.date/api').replace(/\/$/, '');
// our product name -> endoflife.date's
const PRODUCTS = { debian: 'debian', ubuntu: 'ubuntu', alpine: 'alpine', rhel: 'rhel', rocky: 'rocky-linux', almalinux: 'almalinux', centos: 'centos', nodejs: 'nodejs', python: 'python' };
const date = (v) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

const old = JSON.parse(readFileSync(FILE, 'utf8'));
const products = {};
for (const [ours, theirs] of Object.entries(PRODUCTS)) {
  const res = await fetch(`${base}/${theirs}.json`, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${theirs}: HTTP ${res.status}`);
  const rows = await res.json();
  if (!Array.isArray(rows) || rows.length === 0) throw new Error(`${theirs}: not a list of release cycles`);
  products[ours] = rows
    .map((r) => ({ cycle: String(r.cycle), eol: date(r.eol) ?? date(r.support), extended: date(r.extendedSupport) }))
    .filter((r) => r.eol)
    .map((r) => (r.extended ? r : { cycle: r.cycle, eol: r.eol }))
    .sort((a, b) => a.cycle.localeCompare(b.cycle, 'en', { numeric: true }));
}
const out = { ...old, updated: new Date().toISOString().slice(0, 10), products };
const tmp = `${FILE}.${process.pid}.tmp`;
writeFileSync(tmp, JSON.stringify(out, null, 2) + '\n');
renameSync(tmp, FILE);
console.log(`eol.json refreshed: ${Object.values(products).reduce((n, p) => n + p.length, 0)} cycles`);
