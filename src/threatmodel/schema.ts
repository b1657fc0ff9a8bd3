/**
 * The threat model file (`threatmodel.yml`): elements, data flows, trust boundaries, assets, assumptions, controls
 * and accepted risks. One zod schema: the loader validates with it and `npm run schema` publishes it as
 * schema/threatmodel.schema.json for editors.
 */
import * as z from 'zod';
import { dateSchema } from '../core/config-section.js';
import { CLASSIFICATIONS, LEVELS } from './levels.js';

/** Ids of elements, flows, boundaries, assets and controls: letters, digits, `-`, `_`, `.`. */
export const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'expected an id: letters, digits, - _ . (at most 100)');

const portSchema = z.union([
  z.number().int().min(1).max(65535),
  z.string().regex(/^\d{1,5}(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/, 'expected a port, a range "8000-8100", optionally "/tcp" or "/udp"'),
]);

/** How a flow's receiver knows who is calling. */
export const AUTHENTICATIONS = ['none', 'password', 'token', 'session', 'api-key', 'oauth', 'mtls', 'certificate', 'iam', 'ssh-key', 'mfa'] as const;

/** Protocols known to be encrypted on the wire (a flow's `encrypted` defaults to this). */
export const ENCRYPTED_PROTOCOLS = new Set(['https', 'tls', 'wss', 'grpcs', 'ssh', 'sftp', 'ftps', 'amqps', 'rediss', 'ldaps', 'smtps', 'imaps', 'mqtts', 'kafka-ssl', 'postgres-tls', 'mysql-tls', 'mongodb-tls', 'ipsec', 'wireguard']);

/** A trust boundary: a zone whose inside trusts itself more than the outside. */
export const boundarySchema = z
  .object({
    title: z.string().optional().describe('Name shown in reports and diagrams (default: the id).'),
    description: z.string().optional(),
    trust: z
      .enum(['untrusted', 'internal', 'restricted'])
      .default('internal')
      .describe('untrusted: the internet or a third party; internal: your network; restricted: a zone only a few parts may reach.'),
    parent: idSchema.optional().describe('Boundary this one is nested in.'),
  })
  .strict();

/** Which code or infrastructure an element is, for drift detection. */
export const matchSchema = z
  .object({
    services: z.array(z.string()).optional().describe('Compose service / Kubernetes object / Dockerfile folder names (default: the element id).'),
    packages: z.array(z.string()).optional().describe('Client or SDK packages that show this element is used (e.g. pg, stripe).'),
    paths: z.array(z.string()).optional().describe('Globs of source paths that belong to this element (routes found there are its routes).'),
  })
  .strict();

/** A process, data store or external entity. */
export const elementSchema = z
  .object({
    kind: z.enum(['process', 'datastore', 'external']).describe('process: code you run; datastore: data at rest (database, queue, bucket, cache); external: people and systems outside your control.'),
    title: z.string().optional(),
    description: z.string().optional(),
    technology: z.string().optional().describe('e.g. node, nginx, postgres, redis, rabbitmq, s3, browser, stripe, github-actions.'),
    boundary: idSchema.optional().describe('Trust boundary the element is in.'),
    internetFacing: z.boolean().default(false).describe('Reachable from the internet.'),
    authenticates: z.boolean().default(false).describe('Authenticates the callers it receives requests from.'),
    authorizes: z.boolean().default(false).describe('Checks what each authenticated caller may do.'),
    validatesInput: z.boolean().default(false).describe('Validates the input it receives against a schema or allow-list.'),
    encryptsAtRest: z.boolean().default(false).describe('Data stores: data is encrypted at rest.'),
    logs: z.boolean().default(false).describe('Keeps an audit log of security-relevant actions.'),
    container: z.boolean().default(false).describe('Built into a container image by this repository.'),
    custom: z.boolean().optional().describe('Code written by the team (default: true for processes, false otherwise).'),
    stores: z.array(idSchema).default([]).describe('Assets stored here.'),
    processes: z.array(idSchema).default([]).describe('Assets handled here.'),
    ports: z.array(portSchema).optional().describe('Ports it listens on (drift: compared with what the code exposes).'),
    routes: z.array(z.string()).optional().describe('HTTP routes it serves, `METHOD /path` with * (one segment) and ** globs (drift: compared with the code).'),
    match: matchSchema.optional(),
    tags: z.array(z.string()).default([]),
    props: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Free properties for your own rules (`element.props.x`).'),
  })
  .strict();

/** A data flow between two elements. */
export const flowSchema = z
  .object({
    id: idSchema.optional().describe('Default: `<from>-><to>` (give one when two flows join the same elements).'),
    from: idSchema,
    to: idSchema,
    title: z.string().optional(),
    protocol: z.string().default('tcp').describe('https, http, grpc, postgres, redis, amqp, ...'),
    port: z.number().int().min(1).max(65535).optional(),
    encrypted: z.boolean().optional().describe('Default: true for encrypted protocols (https, tls, ssh, amqps, rediss...).'),
    authentication: z.enum(AUTHENTICATIONS).default('none').describe('How the receiver authenticates the sender (`mfa`: a password or session plus a second factor).'),
    data: z.array(idSchema).default([]).describe('Assets carried by the flow.'),
    tags: z.array(z.string()).default([]),
    props: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  })
  .strict();

/** Data worth protecting. */
export const assetSchema = z
  .object({
    title: z.string().optional(),
    description: z.string().optional(),
    classification: z.enum(CLASSIFICATIONS).default('internal'),
    credentials: z.boolean().default(false).describe('Passwords, tokens, keys, session ids.'),
    pii: z.boolean().default(false).describe('Personal data.'),
  })
  .strict();

/** A pipeguard check (a scanner and, optionally, some of its rules). */
export const checkSchema = z
  .object({
    scanner: z.string().min(1).describe('Scanner id (pipeguard rules lists them).'),
    rules: z.array(z.string()).optional().describe('Rule ids of that scanner; any one live is enough (default: the scanner as a whole).'),
    gateAt: z.enum(['critical', 'high', 'medium', 'low', 'info']).optional().describe("Severity its findings must fail the gate at (default: the threat's severity)."),
  })
  .strict();

/** A control the team has in place. */
export const controlSchema = z
  .object({
    title: z.string().optional(),
    description: z.string().optional(),
    mitigates: z.array(z.string().min(1)).min(1).describe('Threat rule ids (tm-...) this control mitigates.'),
    elements: z.array(idSchema).optional().describe('Elements and flows it covers (default: all).'),
    checks: z.array(checkSchema).default([]).describe('pipeguard checks that verify the control; without any, it is a manual control and needs evidence.'),
    evidence: z.string().optional().describe('What shows the control exists (a link, a ticket, a document).'),
    expires: dateSchema.optional().describe('A manual control stops counting after this date (YYYY-MM-DD).'),
  })
  .strict()
  .refine((c) => c.checks.length > 0 || (c.evidence !== undefined && c.evidence.trim().length >= 3), {
    message: 'a control without checks is manual: say what shows it exists in evidence',
  });

/** A threat the team accepts, with why and until when. */
export const acceptedSchema = z
  .object({
    threat: z.string().min(1).describe('A threat id `<rule>@<element or flow>`, or a rule id (all its threats).'),
    reason: z.string().min(3, 'say why the risk is accepted'),
    owner: z.string().optional().describe('Who accepted it.'),
    expires: dateSchema.optional().describe('After this date (YYYY-MM-DD) the threat is open again.'),
  })
  .strict();

/** The whole threat model file. */
export const threatModelSchema = z
  .object({
    version: z.literal(1).default(1),
    title: z.string().default('Threat model'),
    description: z.string().optional(),
    boundaries: z.record(idSchema, boundarySchema).default({}),
    elements: z.record(idSchema, elementSchema).default({}),
    flows: z.array(flowSchema).default([]),
    assets: z.record(idSchema, assetSchema).default({}),
    assumptions: z.array(z.string().min(1)).default([]).describe('What the model takes for granted.'),
    controls: z.record(idSchema, controlSchema).default({}),
    accepted: z.array(acceptedSchema).default([]),
  })
  .strict();

/** A validated threat model file. */
export type ThreatModelFile = z.infer<typeof threatModelSchema>;
/** A validated element. */
export type ElementSpec = z.infer<typeof elementSchema>;
/** A validated flow. */
export type FlowSpec = z.infer<typeof flowSchema>;
/** A validated check reference. */
export type CheckSpec = z.infer<typeof checkSchema>;
/** A validated control. */
export type ControlSpec = z.infer<typeof controlSchema>;
/** A validated acceptance. */
export type AcceptedSpec = z.infer<typeof acceptedSchema>;

/** Levels re-exported for the rule schema. */
export { LEVELS };
