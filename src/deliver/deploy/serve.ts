import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { DeployConfig } from '../config.js';
import type { OutputSink } from '../runner/process.js';
import { DeployProxy } from './proxy.js';
import type { DeployRecord } from './record.js';
import { deployBehindProxy, splitHostPort, type LiveRelease } from './rollout.js';
import type { DeployOptions } from './session.js';

/** Where serving processes keep their state and control socket (not beside the records: readers list those). */
export const SERVE_DIR = '.pipeguard/serve';

/** The control socket of a serving process: `.pipeguard/serve/<service>.sock`. */
export function controlSocketPath(root: string, d: DeployConfig): string {
  return join(resolve(root, SERVE_DIR), `${d.service}.sock`);
}

/** The state file of a serving process: `.pipeguard/serve/<service>.json`. */
export function serveStatePath(root: string, d: DeployConfig): string {
  return join(resolve(root, SERVE_DIR), `${d.service}.json`);
}

/** What `deploy --serve` writes about itself (for people and for `deploy status`-like tools). */
export interface ServeState {
  pid: number;
  service: string;
  listen: string;
  socket: string;
  since: string;
  live?: { version: string; url: string; deployId?: string };
}

/** Options of {@link DeployServer}. */
export interface DeployServerOptions extends Omit<DeployOptions, 'version' | 'config' | 'signal'> {
  /** Reads pipeguard.yml again: each deploy uses the config as it is when the deploy is asked for. */
  loadConfig(): Config;
}

/**
 * `pipeguard deploy --serve`: keeps pipeguard's proxy on deploy.listen and the release it serves running between
 * deploys. Later `pipeguard deploy VERSION` commands find its control socket (a Unix socket in `.pipeguard/serve`,
 * a folder of mode 0700, so only its owner can deploy) and hand it the rollout: this process starts the candidate,
 * shifts its own proxy's traffic and keeps the winner; the command prints the progress and exits with the outcome.
 * One deploy at a time. Closing the command's connection (Ctrl-C) rolls the deploy back as interrupted.
 */
export class DeployServer {
  private proxy: DeployProxy | undefined;
  private control: Server | undefined;
  private live: LiveRelease | undefined;
  private busy: AbortController | undefined;
  private running: Promise<unknown> | undefined;
  private lastDeploy: string | undefined;
  private readonly since = new Date().toISOString();

  constructor(private readonly o: DeployServerOptions) {}

  /** Starts the proxy (serving deploy.baseline when configured) and the control socket. */
  async start(): Promise<{ listen: string; socket: string }> {
    const config = this.o.loadConfig();
    const d = config.deploy!;
    this.proxy = new DeployProxy({ sticky: d.sticky });
    const [h, p] = splitHostPort(d.listen);
    await this.proxy.listen(h, p);
    if (d.baseline) {
      this.live = { kind: 'external', backend: { version: d.baseline.version, url: d.baseline.url } };
      this.proxy.setBackend('baseline', this.live.backend);
    }
    const socket = controlSocketPath(this.o.root, d);
    mkdirSync(resolve(this.o.root, SERVE_DIR), { recursive: true, mode: 0o700 });
    chmodSync(resolve(this.o.root, SERVE_DIR), 0o700);
    await new Promise<void>((ok, fail) => {
      // a socket file left by a process that died: nobody answers on it
      const probe = createConnection(socket);
      probe.once('connect', () => {
        probe.destroy();
        fail(new Error(`another pipeguard deploy --serve answers on ${socket}`));
      });
      probe.once('error', () => {
        rmSync(socket, { force: true });
        ok();
      });
    });
    this.control = createServer((c) => this.onClient(c));
    await new Promise<void>((ok, fail) => {
      this.control!.once('error', fail);
      this.control!.listen(socket, () => ok());
    });
    this.saveState(d);
    return { listen: d.listen, socket };
  }

  /** Deploys a version in this process (the first release of `--serve VERSION`, or one asked for on the socket). */
  async deploy(version: string, out: { stdout: OutputSink; stderr: OutputSink }, signal?: AbortSignal, env?: string): Promise<DeployRecord> {
    if (this.busy) throw new Error(`a deploy is running (${this.lastDeploy ?? 'starting'})`);
    const ac = new AbortController();
    this.busy = ac;
    const onAbort = () => ac.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const config = this.o.loadConfig();
    const run = deployBehindProxy({
      ...this.o,
      config,
      version,
      ...(env ? { env } : {}),
      stdout: out.stdout,
      stderr: out.stderr,
      signal: ac.signal,
      proxy: this.proxy!,
      ...(this.live ? { live: this.live } : {}),
      onRecord: (r) => (this.lastDeploy = r.id),
    });
    this.running = run;
    try {
      const r = await run;
      if (r.live) this.live = r.live;
      this.saveState(config.deploy!, r.record.outcome === 'promoted' ? r.record.id : undefined);
      return r.record;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.busy = undefined;
      this.running = undefined;
    }
  }

  /** Rolls back a running deploy, stops the release pipeguard started, closes the proxy and the socket. */
  async stop(reason: 'SIGINT' | 'SIGTERM'): Promise<void> {
    this.busy?.abort(reason);
    await this.running?.catch(() => undefined);
    await new Promise<void>((ok) => (this.control ? this.control.close(() => ok()) : ok()));
    await this.proxy?.close();
    if (this.live?.kind === 'owned') await this.live.release.stop();
    const d = this.o.loadConfig().deploy;
    if (d) rmSync(serveStatePath(this.o.root, d), { force: true });
  }

  private saveState(d: DeployConfig, deployId?: string): void {
    const live = this.live ? (this.live.kind === 'owned' ? { version: this.live.release.version, url: this.live.release.url } : this.live.backend) : undefined;
    const state: ServeState = {
      pid: process.pid,
      service: d.service,
      listen: d.listen,
      socket: controlSocketPath(this.o.root, d),
      since: this.since,
      ...(live ? { live: { ...live, ...(deployId ? { deployId } : {}) } } : {}),
    };
    writeFileAtomic(serveStatePath(this.o.root, d), JSON.stringify(state, null, 2) + '\n');
  }

  private onClient(c: Socket): void {
    let buf = '';
    const ac = new AbortController();
    let started = false;
    const send = (m: object) => {
      if (!c.destroyed) c.write(JSON.stringify(m) + '\n');
    };
    c.on('error', () => undefined);
    c.on('close', () => ac.abort('SIGINT'));
    c.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let msg: { version?: string; env?: string; abort?: 'SIGINT' | 'SIGTERM' };
        try {
          msg = JSON.parse(line) as typeof msg;
        } catch {
          send({ error: 'not a JSON line' });
          c.end();
          return;
        }
        if (msg.abort) {
          ac.abort(msg.abort);
          continue;
        }
        if (started || typeof msg.version !== 'string') continue;
        started = true;
        const sink = (k: 'o' | 'e'): OutputSink => ({ write: (b) => send({ [k]: typeof b === 'string' ? b : Buffer.from(b).toString('utf8') }) });
        this.deploy(msg.version, { stdout: sink('o'), stderr: sink('e') }, ac.signal, msg.env).then(
          (r) => {
            send({ done: { id: r.id, outcome: r.outcome, ...(r.reason ? { reason: r.reason } : {}) } });
            c.end();
          },
          (e: Error) => {
            send({ error: e.message });
            c.end();
          },
        );
      }
    });
  }
}

/** The answer of a serving process to a deploy it was handed. */
export interface RemoteDeploy {
  id?: string;
  outcome?: DeployRecord['outcome'];
  reason?: string;
  error?: string;
}

/**
 * Hands a deploy to the serving process on `socket`, streaming its progress to the sinks. Resolves undefined when
 * nothing serves there (no socket, or a stale one). Aborting the signal asks the server to roll back.
 */
export function deployRemote(socket: string, req: { version: string; env?: string }, out: { stdout: OutputSink; stderr: OutputSink }, signal?: AbortSignal): Promise<RemoteDeploy | undefined> {
  return new Promise((done) => {
    const c = createConnection(socket);
    let connected = false;
    let result: RemoteDeploy | undefined;
    let buf = '';
    const onAbort = () => c.write(JSON.stringify({ abort: String(signal?.reason ?? 'SIGINT') }) + '\n');
    c.once('connect', () => {
      connected = true;
      c.write(JSON.stringify(req) + '\n');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    c.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const m = JSON.parse(buf.slice(0, nl)) as { o?: string; e?: string; done?: RemoteDeploy; error?: string };
        buf = buf.slice(nl + 1);
        if (m.o !== undefined) out.stdout.write(m.o);
        if (m.e !== undefined) out.stderr.write(m.e);
        if (m.done) result = m.done;
        if (m.error) result = { error: m.error };
      }
    });
    c.on('error', () => undefined);
    c.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      done(connected ? (result ?? { error: 'the serving process closed the connection' }) : undefined);
    });
  });
}
