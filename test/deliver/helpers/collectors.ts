// Real SIEM collectors on 127.0.0.1 for the delivery tests: syslog over TCP or TLS (RFC 6587 octet counting),
// syslog over UDP, and an https webhook. Each can be stopped and started again on the same port.
import { execFileSync, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { makeDir } from '../../helpers/tmp.js';

/** A collector: the messages it received, its port, and stop/start (a restart keeps the port). */
export interface Collector {
  port: number;
  messages: string[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** True when the openssl CLI is there (the TLS tests make their CA with it). */
export const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A throwaway CA and a server certificate for 127.0.0.1 and localhost, made with the openssl CLI. */
export function makeCertificates(): { ca: string; key: string; cert: string; otherCa: string } {
  const dir = makeDir();
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=pipeguard test CA']);
  run(['req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.pem', '-days', '2', '-subj', '/CN=another CA']);
  run(['req', ...ec, '-keyout', 'srv.key', '-out', 'srv.csr', '-subj', '/CN=localhost']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['x509', '-req', '-in', 'srv.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'srv.pem', '-days', '2', '-extfile', 'ext.cnf']);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return { ca: read('ca.pem'), key: read('srv.key'), cert: read('srv.pem'), otherCa: read('other.pem') };
}

/** Splits RFC 6587 octet-counted frames out of a stream. */
function frames(onMessage: (m: string) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const sp = buf.indexOf(32);
      if (sp < 0) return;
      const len = Number(buf.subarray(0, sp).toString());
      if (!Number.isInteger(len) || len <= 0) throw new Error(`bad frame length ${buf.subarray(0, sp).toString()}`);
      if (buf.length < sp + 1 + len) return;
      onMessage(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      buf = buf.subarray(sp + 1 + len);
    }
  };
}

/** Syslog over TCP, or TLS when given a key and certificate. */
export async function streamCollector(tls?: { key: string; cert: string }): Promise<Collector> {
  const messages: string[] = [];
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<Socket>();
  const onConn = (s: Socket) => {
    sockets.add(s);
    s.on('data', frames((m) => messages.push(m)));
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  };
  const c: Collector = {
    messages,
    get port() {
      return port;
    },
    async start() {
      server = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, onConn) : createNetServer(onConn);
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    },
    async stop() {
      // a collector shutting down: stop accepting, read what is in flight, then close the connections
      const closed = new Promise<void>((r) => server!.close(() => r()));
      await new Promise((r) => setTimeout(r, 50));
      for (const s of sockets) s.end();
      await new Promise((r) => setTimeout(r, 50));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
  await c.start();
  return c;
}

/** Syslog over UDP. */
export async function udpCollector(): Promise<Collector & { close(): void }> {
  const messages: string[] = [];
  const s = createSocket('udp4');
  s.on('message', (m) => messages.push(m.toString('utf8')));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return {
    messages,
    port: s.address().port,
    start: async () => undefined,
    stop: async () => undefined,
    close: () => s.close(),
  };
}

/** An https webhook taking NDJSON or HEC batches; `status` is what it answers (503 to play a sick collector). */
export async function httpsCollector(tls: { key: string; cert: string }): Promise<Collector & { status: number; auth: string[] }> {
  const messages: string[] = [];
  const auth: string[] = [];
  let port = 0;
  let server: ReturnType<typeof createHttpsServer> | undefined;
  const c = {
    messages,
    auth,
    status: 200,
    get port() {
      return port;
    },
    async start() {
      server = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          if (c.status === 200) {
            auth.push(String(req.headers.authorization ?? ''));
            messages.push(...body.split('\n').filter(Boolean));
          }
          res.writeHead(c.status, { 'content-type': 'application/json' });
          res.end(c.status === 200 ? '{"text":"Success","code":0}' : '{"text":"Server is busy","code":9}');
        });
      });
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    },
    async stop() {
      server!.closeAllConnections();
      await new Promise<void>((r) => server!.close(() => r()));
    },
  };
  await c.start();
  return c;
}
