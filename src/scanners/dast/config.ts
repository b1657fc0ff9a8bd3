import * as z from 'zod';
import { scannerSection, severitySchema } from '../../core/config-section.js';
import { DURATION } from './duration.js';

/** `10m`, `90s`, `1h`, `500ms`, or a number of seconds. */
export const durationSchema = z.union([
  z.number().positive(),
  z.string().regex(DURATION, 'expected a duration such as 500ms, 90s, 10m or 1h'),
]);

export { durationMs } from './duration.js';

/** The `scanners.dast` section of pipeguard.yml: what `pipeguard dast` scans and how hard. */
export const dastConfigSchema = scannerSection({
  openapi: z.string().optional().describe('OpenAPI 2.0/3.0/3.1 document (file, relative to this config, or URL) describing the API.'),
  graphql: z.array(z.string()).default(['/graphql', '/api/graphql']).describe('Paths tried for GraphQL introspection.'),
  auth: z.string().optional().describe('Auth file (users, login, logged-in/out indicators), relative to this config.'),
  browser: z.boolean().default(false).describe('Discover SPA routes and API calls with headless Chromium (Debian `chromium`).'),
  chromium: z.string().default('/usr/bin/chromium').describe('The Chromium executable for `browser`.'),
  budget: durationSchema.default('10m').describe('Time budget of the whole scan; what is not tested by then is listed as not tested.'),
  maxRequests: z.number().int().positive().default(20_000).describe('Request budget of the whole scan.'),
  rate: z.number().positive().default(100).describe('Requests started per second to each host, at most.'),
  concurrency: z.number().int().min(1).max(64).default(8).describe('Requests in flight at once to each host, at most.'),
  timeout: durationSchema.default('10s').describe('Time a request may take.'),
  tlsVerify: z.boolean().default(false).describe('Check the target\'s TLS certificate (test environments often have self-signed ones).'),
  scope: z
    .object({
      hosts: z.array(z.string()).default([]).describe('More hosts in scope (`api.example.test`, `*.example.test`, `host:8443`); the base URL\'s is always in.'),
      paths: z.array(z.string()).default([]).describe('Path prefixes in scope (default: the base URL\'s path).'),
      exclude: z.array(z.string()).default([]).describe('Globs of paths never requested.'),
    })
    .strict()
    .prefault({}),
  logout: z.array(z.string()).default(['**/logout', '**/logout/**', '**/signout', '**/sign-out', '**/log-out', '**/logoff']).describe('Globs of paths that log out: never requested.'),
  destructive: z.array(z.string()).default(['**/delete', '**/delete/**', '**/remove', '**/destroy', '**/reset', '**/purge', '**/shutdown']).describe('Globs of paths a POST/PUT/PATCH to would destroy data: not sent unless allowDestructive.'),
  allowDestructive: z.boolean().default(false).describe('Send DELETE requests and POSTs to `destructive` paths.'),
  crawl: z
    .object({
      depth: z.number().int().min(0).default(5).describe('Links followed from the base URL, at most.'),
      maxPages: z.number().int().positive().default(300).describe('Pages fetched by the crawler, at most.'),
      perTemplate: z.number().int().positive().default(3).describe('Pages fetched per path template (/users/{id}), at most.'),
    })
    .strict()
    .prefault({}),
  timing: z
    .object({
      maxDelay: z.number().min(0.5).max(5).default(2).describe('Longest delay (seconds) a time-based probe asks for.'),
      minCorrelation: z.number().min(0.5).max(1).default(0.95).describe('Pearson r of response time against requested delay needed to report.'),
    })
    .strict()
    .prefault({}),
  rateLimit: z
    .object({
      attempts: z.number().int().min(5).max(200).default(25).describe('Failed logins sent to test for a rate limit.'),
    })
    .strict()
    .prefault({}),
  exposure: z
    .object({
      service: z.string().optional().describe('The service of `scanners.exposure.services` the target is (default: the only one declared).'),
      ports: z.array(z.number().int().min(1).max(65535)).default([]).describe('More ports to probe on the target host.'),
    })
    .strict()
    .prefault({}),
  callback: z
    .object({
      host: z.string().default('127.0.0.1').describe('Address the callback listener (SSRF, XXE, JWT jku) binds.'),
      port: z.number().int().min(0).max(65535).default(0).describe('Its port (0: any free port).'),
      url: z.string().url().optional().describe('The URL the target must call, when it reaches the listener by another name (a target on another host).'),
    })
    .strict()
    .prefault({}),
  only: z.array(z.string()).default([]).describe('Run only these rules (ids or globs such as `dast-sqli-*`).'),
  rules: z
    .record(z.string(), z.union([severitySchema, z.literal('off')]))
    .default({})
    .describe('Per rule: `off`, or the severity to report it at.'),
});

/** Validated `scanners.dast` section. */
export type DastConfig = z.infer<typeof dastConfigSchema>;
