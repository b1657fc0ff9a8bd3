// A tiny web service to deploy: listens on HOST:PORT (given by pipeguard deploy), answers /healthz and /.
// Its faults are set by environment variables, so the example and the tests can deploy good and bad releases:
//   ERROR_RATE   fraction of requests answered 500 (spread evenly: 0.3 is 3 in every 10)
//   LATENCY_MS   time each answer waits
//   HEALTH       status /healthz answers (default 200)
// or per version by FAULTS_FILE, a JSON file { "v3": { "ERROR_RATE": 0.3 }, ... } (the example's app/faults.json).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const version = process.env.PIPEGUARD_DEPLOY_VERSION ?? process.env.VERSION ?? 'dev';
const faults = process.env.FAULTS_FILE ? (JSON.parse(readFileSync(process.env.FAULTS_FILE, 'utf8'))[version] ?? {}) : {};
const setting = (name, dflt) => Number(process.env[name] ?? faults[name] ?? dflt);
const errorRate = setting('ERROR_RATE', 0);
const latency = setting('LATENCY_MS', 0);
const health = setting('HEALTH', 200);
let credit = 0;

const server = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(health, { 'content-type': 'text/plain' }).end(health === 200 ? 'ok\n' : 'unhealthy\n');
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    credit += errorRate;
    const fail = credit >= 1;
    if (fail) credit -= 1;
    const answer = () => {
      if (fail) res.writeHead(500, { 'content-type': 'text/plain' }).end(`error from ${version}\n`);
      else res.writeHead(200, { 'content-type': 'text/plain', 'x-version': version }).end(`hello from ${version}${chunks.length ? ` (${Buffer.concat(chunks).length} bytes received)` : ''}\n`);
    };
    if (latency > 0) setTimeout(answer, latency);
    else answer();
  });
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.env.PORT ?? 8080), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`${version} listening on ${process.env.HOST ?? "127.0.0.1"}:${process.env.PORT ?? 8080}\n`);
});
for (const s of ["SIGTERM", "SIGINT"]) {
  process.on(s, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
