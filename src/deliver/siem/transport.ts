import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { setImmediate as tick } from 'node:timers/promises';
import { httpRequestText } from '../http.js';
import { octetCounted, toJsonl, toSyslog, type ExportEvent } from './formats.js';

/** A SIEM destination: where events go, in what format, with what credentials. */
export interface Destination {
  /** `syslog+tcp://host:port`, `syslog+udp://host:port`, `syslog+tls://host:port`, `https://...` (or `http://`). */
  to: string;
  /** syslog: `syslog` (JSON MSG), `cef` or `leef` inside syslog; https: `jsonl` (NDJSON) or `hec` (Splunk HEC). */
  format?: 'syslog' | 'cef' | 'leef' | 'jsonl' | 'hec';
  /** PEM CA certificates to trust (TLS, https). */
  ca?: string;
  /** Bearer token (https), or the HEC token with format `hec`. */
  token?: string;
  /** Per-operation time limit (default 10 s). */
  timeoutMs?: number;
}

/** Sends batches of events; resolves when the destination took them (see each kind for what that means). */
export interface Transport {
  send(batch: ExportEvent[]): Promise<void>;
  close(): void;
}

/** The transport for a destination URL. Throws a plain Error for an unsupported or malformed URL. */
export function openTransport(d: Destination): Transport {
  const url = new URL(d.to);
  const timeoutMs = d.timeoutMs ?? 10_000;
  const body = d.format === 'cef' ? 'cef' : d.format === 'leef' ? 'leef' : 'json';
  switch (url.protocol) {
    case 'syslog+tcp:':
    case 'syslog+tls:':
      return new StreamTransport(url, url.protocol === 'syslog+tls:', d.ca, timeoutMs, (ev) => octetCounted(toSyslog(ev, { body })));
    case 'syslog+udp:':
      return new UdpTransport(url, (ev) => Buffer.from(toSyslog(ev, { body, maxBytes: 8192 })));
    case 'https:':
    case 'http:':
      return new HttpTransport(url.toString(), d, timeoutMs);
    default:
      throw new Error(`unsupported destination ${url.protocol}// (use syslog+tcp, syslog+udp, syslog+tls or https)`);
  }
}

function hostPort(url: URL, defaultPort: number): { host: string; port: number } {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new Error(`no host in ${url.protocol}//`);
  return { host, port: url.port ? Number(url.port) : defaultPort };
}

/**
 * Syslog over TCP or TLS (RFC 6587 octet counting; RFC 5425 for TLS, which verifies the collector's certificate
 * against `ca`). A batch counts as delivered once written to a connection the collector had not closed: before
 * each write the transport lets pending events run, so a collector that went away is noticed and the batch goes
 * on a new connection. Plain TCP syslog has no acknowledgement: bytes a collector had received but not read when
 * it died are lost to it (use https for acknowledged delivery); every event carries its sequence number and hash
 * so the SIEM can see a gap.
 */
class StreamTransport implements Transport {
  private socket: Socket | undefined;
  private closedByPeer = false;

  constructor(
    private readonly url: URL,
    private readonly tls: boolean,
    private readonly ca: string | undefined,
    private readonly timeoutMs: number,
    private readonly frame: (ev: ExportEvent) => Buffer,
  ) {}

  async send(batch: ExportEvent[]): Promise<void> {
    // let a pending 'end' or 'close' from the collector be seen before writing
    await tick();
    if (!this.socket || this.closedByPeer || this.socket.destroyed) await this.connect();
    const s = this.socket!;
    const data = Buffer.concat(batch.map(this.frame));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`${this.url.host}: write timed out`));
      }, this.timeoutMs);
      s.write(data, (err) => {
        clearTimeout(timer);
        if (err) reject(new Error(`${this.url.host}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
        else resolve();
      });
    });
    await tick();
    if (this.closedByPeer || s.destroyed) throw new Error(`${this.url.host}: the collector closed the connection`);
  }

  private connect(): Promise<void> {
    this.close();
    const { host, port } = hostPort(this.url, this.tls ? 6514 : 514);
    return new Promise((resolve, reject) => {
      const s = this.tls
        ? tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, ...(this.ca ? { ca: this.ca } : {}) })
        : netConnect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`${this.url.host}: no connection within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const fail = (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(`${this.url.host}: ${e.code ?? e.message}`));
      };
      s.once('error', fail);
      s.once(this.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.off('error', fail);
        this.socket = s;
        this.closedByPeer = false;
        s.on('error', () => {
          this.closedByPeer = true;
        });
        s.on('end', () => {
          this.closedByPeer = true;
          s.destroy();
        });
        s.on('close', () => {
          this.closedByPeer = true;
        });
        // a collector sends nothing; read and drop whatever it does send so 'end' is seen
        s.on('data', () => undefined);
        s.setNoDelay(true);
        resolve();
      });
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}

/**
 * Syslog over UDP (RFC 5426): one message per datagram, cut to 8 KiB. UDP has no delivery guarantee; a
 * collector that is down is noticed only from the ICMP error a later datagram reports, so events sent just
 * before that are lost to it. Use TCP, TLS or https where that matters.
 */
class UdpTransport implements Transport {
  private socket: UdpSocket | undefined;
  constructor(
    private readonly url: URL,
    private readonly encode: (ev: ExportEvent) => Buffer,
  ) {}

  async send(batch: ExportEvent[]): Promise<void> {
    const s = await this.open();
    for (const ev of batch) {
      await new Promise<void>((resolve, reject) =>
        s.send(this.encode(ev), (err) => (err ? reject(new Error(`${this.url.host}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)) : resolve())),
      );
    }
  }

  private async open(): Promise<UdpSocket> {
    if (this.socket) return this.socket;
    const { host, port } = hostPort(this.url, 514);
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.on('error', () => this.close());
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.connect(port, host, () => {
        s.off('error', reject);
        resolve();
      });
    });
    this.socket = s;
    return s;
  }

  close(): void {
    try {
      this.socket?.close();
    } catch {
      // closed already
    }
    this.socket = undefined;
  }
}

/**
 * An https webhook: one POST per batch, NDJSON (`jsonl`) or Splunk HEC events (`hec`). A 2xx answer is the
 * acknowledgement; anything else is retried. Events carry their hash, so a receiver can drop the duplicate a lost
 * answer causes.
 */
class HttpTransport implements Transport {
  constructor(
    private readonly url: string,
    private readonly d: Destination,
    private readonly timeoutMs: number,
  ) {}

  async send(batch: ExportEvent[]): Promise<void> {
    const hec = this.d.format === 'hec';
    const body = batch
      .map((ev) =>
        hec
          ? JSON.stringify({ time: Date.parse(ev.entry.time) / 1000, host: ev.entry.actor.host, source: 'pipeguard', sourcetype: 'pipeguard:audit', event: { ...ev.entry, hash: ev.hash } })
          : toJsonl(ev),
      )
      .join('\n');
    const auth: Record<string, string> = this.d.token ? { authorization: hec ? `Splunk ${this.d.token}` : `Bearer ${this.d.token}` } : {};
    const res = await httpRequestText({
      url: this.url,
      method: 'POST',
      headers: { 'content-type': hec ? 'application/json' : 'application/x-ndjson', ...auth },
      body: body + '\n',
      ...(this.d.ca ? { ca: this.d.ca } : {}),
      timeoutMs: this.timeoutMs,
      maxBytes: 64 * 1024,
    });
    if (res.status < 200 || res.status >= 300) throw new Error(`${new URL(this.url).host}: HTTP ${res.status}`);
  }

  close(): void {}
}
