// A bounded load loop for trying the example: `node app/load.mjs [URL] [SECONDS]` sends requests from 4 loops
// for SECONDS (default 60), then prints how many each release answered and how many failed or got no answer.
import { Agent, request } from 'node:http';

const url = process.argv[2] ?? 'http://127.0.0.1:8080/';
const until = Date.now() + 1000 * Number(process.argv[3] ?? 60);
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const counts = new Map();
const add = (k) => counts.set(k, (counts.get(k) ?? 0) + 1);
const one = () =>
  new Promise((done) => {
    const req = request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        add(`${res.statusCode} ${/from (\S+)/.exec(body)?.[1] ?? '?'}`);
        done();
      });
    });
    req.on('error', () => {
      add('no answer');
      setTimeout(done, 100);
    });
    req.end();
  });
await Promise.all(Array.from({ length: 4 }, async () => {
  while (Date.now() < until) await one();
}));
agent.destroy();
for (const [k, n] of [...counts].sort()) process.stdout.write(`${String(n).padStart(7)}  ${k}\n`);
