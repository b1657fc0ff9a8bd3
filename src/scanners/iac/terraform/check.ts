import type { RuleDef } from '../common.js';
import type { Hit } from '../../../analyzers/iac/common.js';
import type { Span } from '../../../core/lines.js';
import { rule as r } from '../../../core/rules.js';
import { LineIndex } from '../../../core/lines.js';
import { portRange, type PortRange } from '../../../analyzers/iac/hcl.js';
import { attr, blocksOf, listOf, scalar } from '../../../analyzers/iac/hcl.js';
import type { Block, Body, Expr, Range } from '../../../analyzers/iac/hcl.js';
import { fromHcl, parseJsonPos, pstr, statementsOf } from './policy.js';
import type { PVal, Statement } from './policy.js';

/** Every Terraform rule. */
export const TF_RULES: RuleDef[] = [
  r('tf-aws-sg-open-admin-port', 'Security group opens an admin/DB port to the world', 'high', 'An ingress rule allows 0.0.0.0/0 or ::/0 to SSH, RDP or a database port. Restrict the source CIDR or use a bastion/VPN/SSM.', 'CWE-284'),
  r('tf-aws-sg-open-all-ports', 'Security group opens all ports to the world', 'critical', 'An ingress rule allows every port (protocol -1 or 0-65535) from 0.0.0.0/0 or ::/0.', 'CWE-284'),
  r('tf-aws-s3-public-acl', 'Public S3 bucket ACL', 'high', 'A canned ACL of public-read, public-read-write or authenticated-read exposes the bucket.', 'CWE-732'),
  r('tf-aws-s3-public-access-block-disabled', 'S3 public access block disabled', 'high', 'Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to true.', 'CWE-732'),
  r('tf-aws-s3-unencrypted', 'S3 bucket without encryption configuration', 'low', 'Declare server-side encryption (preferably SSE-KMS) for the bucket.', 'CWE-311'),
  r('tf-aws-ebs-unencrypted', 'Unencrypted EBS volume', 'medium', 'Set `encrypted = true` on EBS volumes and block devices.', 'CWE-311'),
  r('tf-aws-rds-unencrypted', 'Unencrypted RDS storage', 'medium', 'Set `storage_encrypted = true` on RDS instances and clusters.', 'CWE-311'),
  r('tf-aws-rds-public', 'Publicly accessible RDS', 'high', '`publicly_accessible = true` gives the database a public endpoint.', 'CWE-284'),
  r('tf-aws-iam-wildcard-action', 'IAM policy allows every action', 'high', 'An Allow statement with Action "*" grants administrator rights. List the actions needed.', 'CWE-269'),
  r('tf-aws-iam-wildcard-resource', 'IAM write access on every resource', 'medium', 'An Allow statement grants non-read actions on Resource "*". Scope resources by ARN.', 'CWE-269'),
  r('tf-aws-iam-wildcard-principal', 'Policy allows any principal', 'critical', 'A resource policy with Principal "*" and no Condition lets anyone use the resource.', 'CWE-284'),
  r('tf-aws-iam-not-action', 'IAM Allow with NotAction', 'medium', 'Allow + NotAction grants everything except a list, including future actions.', 'CWE-269'),
  r('tf-gcp-firewall-open-admin-port', 'GCP firewall opens an admin/DB port to the world', 'high', 'A firewall with source_ranges 0.0.0.0/0 allows SSH, RDP or a database port.', 'CWE-284'),
  r('tf-gcp-firewall-open-all-ports', 'GCP firewall opens all ports to the world', 'critical', 'A firewall with source_ranges 0.0.0.0/0 allows every port or protocol "all".', 'CWE-284'),
  r('tf-gcp-bucket-public', 'Public GCS bucket', 'high', 'allUsers or allAuthenticatedUsers are granted access to the bucket.', 'CWE-732'),
  r('tf-gcp-primitive-role', 'Primitive owner/editor role granted', 'medium', 'roles/owner and roles/editor are far broader than any workload needs.', 'CWE-269'),
  r('tf-azure-nsg-open-admin-port', 'Azure NSG opens an admin/DB port to the Internet', 'high', 'An inbound Allow rule from *, Internet or 0.0.0.0/0 reaches SSH, RDP or a database port.', 'CWE-284'),
  r('tf-azure-nsg-open-all-ports', 'Azure NSG opens all ports to the Internet', 'critical', 'An inbound Allow rule from *, Internet or 0.0.0.0/0 to destination port *.', 'CWE-284'),
  r('tf-azure-storage-public-access', 'Azure storage allows public access', 'high', 'allow_nested_items_to_be_public / allow_blob_public_access = true or a public container access type.', 'CWE-732'),
  r('tf-azure-storage-https-disabled', 'Azure storage allows plain HTTP', 'high', 'https_traffic_only_enabled (enable_https_traffic_only) = false allows unencrypted access.', 'CWE-319'),
  r('tf-azure-storage-weak-tls', 'Azure storage accepts TLS 1.0/1.1', 'medium', 'Set min_tls_version = "TLS1_2".', 'CWE-326'),
];

/** A parsed .tf file. */
export interface TfFile {
  path: string;
  text: string;
  body: Body;
  index: LineIndex;
}

const WORLD = new Set(['0.0.0.0/0', '::/0']);
const AZ_WORLD = new Set(['*', 'internet', '0.0.0.0/0', '::/0', 'any']);

/** True when a port range covers one of the admin ports; returns the first one. */
function adminIn(rng: PortRange, admin: number[]): number | undefined {
  return admin.find((p) => p >= rng.from && p <= rng.to);
}

const addrOf = (b: Block) => (b.type === 'resource' || b.type === 'data' ? `${b.type === 'data' ? 'data.' : ''}${b.labels[0]}.${b.labels[1]}` : `${b.type}.${b.labels.join('.')}`);

/** Runs every Terraform rule over the files of one module (directory); hits are per file path. */
export function checkTerraform(files: TfFile[], adminPorts: number[]): Map<string, Hit[]> {
  const out = new Map<string, Hit[]>();
  const encryptedBuckets = new Set<string>();
  const docs = new Map<string, { file: TfFile; block: Block }>();
  for (const f of files) {
    for (const b of f.body.blocks) {
      if (b.type === 'resource' && b.labels[0] === 'aws_s3_bucket_server_side_encryption_configuration') {
        const bucket = attr(b.body, 'bucket')?.value;
        const ref = bucket?.kind === 'raw' ? /aws_s3_bucket\.([\w-]+)/.exec(bucket.text)?.[1] : undefined;
        if (ref) encryptedBuckets.add(ref);
        else if (bucket && scalar(bucket)) encryptedBuckets.add(`name:${scalar(bucket)}`);
      }
      if (b.type === 'data' && b.labels[0] === 'aws_iam_policy_document') docs.set(b.labels[1]!, { file: f, block: b });
    }
  }
  for (const f of files) {
    const hits: Hit[] = [];
    out.set(f.path, hits);
    const sp = (rng: Range): Span => f.index.span(rng[0], rng[1]);
    const add = (rule: string, rng: Range, identity: string, message: string) => hits.push({ rule, span: sp(rng), identity, message, logical: identity.split('|')[0]! });
    const checkIngress = (addr: string, fromE: Expr | undefined, toE: Expr | undefined, protoE: Expr | undefined, cidrs: Expr[]) => {
      const proto = scalar(protoE)?.toLowerCase();
      const from = Number(scalar(fromE) ?? 'NaN');
      const to = Number(scalar(toE) ?? 'NaN');
      for (const c of cidrs) {
        const cidr = scalar(c);
        if (!cidr || !WORLD.has(cidr)) continue;
        const all = proto === '-1' || proto === 'all' || (from <= 0 && (to >= 65535 || to === -1 || to === 0 && proto === '-1'));
        if (all) {
          add('tf-aws-sg-open-all-ports', c.range, `${addr}|${cidr}`, `${addr} allows every port from ${cidr}.`);
          continue;
        }
        if (!Number.isFinite(from) || !Number.isFinite(to)) continue;
        const p = adminIn({ from, to }, adminPorts);
        if (p !== undefined) add('tf-aws-sg-open-admin-port', c.range, `${addr}|${cidr}|${from}-${to}`, `${addr} allows port ${p} from ${cidr}.`);
      }
    };
    const checkPolicy = (addr: string, e: Expr | undefined) => {
      if (!e) return;
      let doc: PVal | undefined;
      if (e.kind === 'call' && e.name === 'jsonencode' && e.args[0]) doc = fromHcl(e.args[0]);
      else if (e.kind === 'heredoc') doc = parseJsonPos(e.raw, e.contentStart);
      else if (e.kind === 'string' && !e.value.includes('\\')) doc = parseJsonPos(e.value, e.contentStart);
      if (doc) statementChecks(addr, statementsOf(doc), add);
    };
    for (const b of f.body.blocks) {
      if (b.type === 'data' && b.labels[0] === 'aws_iam_policy_document') {
        const addr = addrOf(b);
        const sts: Statement[] = blocksOf(b.body, 'statement').map((s) => {
          const conv = (n: string) => listOf(attr(s.body, n)?.value).map(fromHcl);
          const sid = scalar(attr(s.body, 'sid')?.value);
          return {
            effect: scalar(attr(s.body, 'effect')?.value) ?? 'Allow',
            actions: conv('actions'),
            notActions: conv('not_actions'),
            resources: conv('resources'),
            principals: blocksOf(s.body, 'principals').flatMap((p) => listOf(attr(p.body, 'identifiers')?.value).map(fromHcl)),
            hasCondition: blocksOf(s.body, 'condition').length > 0,
            range: s.range,
            ...(sid ? { sid } : {}),
          };
        });
        statementChecks(addr, sts, add);
        continue;
      }
      if (b.type !== 'resource' || b.labels.length < 2) continue;
      const type = b.labels[0]!;
      const addr = addrOf(b);
      const body = b.body;
      const a = (n: string) => attr(body, n);
      const v = (n: string) => scalar(a(n)?.value);
      switch (type) {
        case 'aws_security_group':
          blocksOf(body, 'ingress').forEach((ing, i) => {
            const ia = (n: string) => attr(ing.body, n)?.value;
            checkIngress(`${addr}.ingress[${i}]`, ia('from_port'), ia('to_port'), ia('protocol'), [...listOf(ia('cidr_blocks')), ...listOf(ia('ipv6_cidr_blocks'))]);
          });
          break;
        case 'aws_security_group_rule':
          if (v('type') === 'ingress') checkIngress(addr, a('from_port')?.value, a('to_port')?.value, a('protocol')?.value, [...listOf(a('cidr_blocks')?.value), ...listOf(a('ipv6_cidr_blocks')?.value)]);
          break;
        case 'aws_vpc_security_group_ingress_rule':
          checkIngress(addr, a('from_port')?.value, a('to_port')?.value, a('ip_protocol')?.value, [a('cidr_ipv4')?.value, a('cidr_ipv6')?.value].filter((x): x is Expr => !!x));
          break;
        case 'aws_s3_bucket':
        case 'aws_s3_bucket_acl': {
          const acl = v('acl');
          if (acl && /^(?:public-read|public-read-write|authenticated-read)$/.test(acl)) add('tf-aws-s3-public-acl', a('acl')!.value.range, addr, `${addr} uses the canned ACL ${acl}.`);
          if (type === 'aws_s3_bucket') checkPolicy(addr, a('policy')?.value);
          if (type === 'aws_s3_bucket') {
            const name = v('bucket');
            const enc = blocksOf(body, 'server_side_encryption_configuration').length > 0 || encryptedBuckets.has(b.labels[1]!) || (name !== undefined && encryptedBuckets.has(`name:${name}`));
            if (!enc) add('tf-aws-s3-unencrypted', b.headerRange, addr, `${addr} declares no server-side encryption configuration.`);
          }
          break;
        }
        case 'aws_s3_bucket_public_access_block':
        case 'aws_s3_account_public_access_block':
          for (const n of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets']) {
            const x = a(n);
            if (x && scalar(x.value) === 'false') add('tf-aws-s3-public-access-block-disabled', x.range, `${addr}|${n}`, `${addr} sets ${n} = false.`);
          }
          break;
        case 'aws_ebs_volume':
          if (v('encrypted') !== 'true') add('tf-aws-ebs-unencrypted', a('encrypted')?.range ?? b.headerRange, addr, `${addr} is not encrypted.`);
          break;
        case 'aws_instance':
          for (const bt of ['root_block_device', 'ebs_block_device']) {
            blocksOf(body, bt).forEach((bd, i) => {
              const e = attr(bd.body, 'encrypted');
              if (e && scalar(e.value) === 'false') add('tf-aws-ebs-unencrypted', e.range, `${addr}.${bt}[${i}]`, `${addr} ${bt} is not encrypted.`);
            });
          }
          break;
        case 'aws_db_instance':
        case 'aws_rds_cluster': {
          const engineMode = v('engine_mode');
          if (v('storage_encrypted') !== 'true' && engineMode !== 'serverless') add('tf-aws-rds-unencrypted', a('storage_encrypted')?.range ?? b.headerRange, addr, `${addr} storage is not encrypted.`);
          if (v('publicly_accessible') === 'true') add('tf-aws-rds-public', a('publicly_accessible')!.range, addr, `${addr} is publicly accessible.`);
          break;
        }
        case 'aws_rds_cluster_instance':
          if (v('publicly_accessible') === 'true') add('tf-aws-rds-public', a('publicly_accessible')!.range, addr, `${addr} is publicly accessible.`);
          break;
        case 'aws_iam_policy':
        case 'aws_iam_role_policy':
        case 'aws_iam_user_policy':
        case 'aws_iam_group_policy':
        case 'aws_s3_bucket_policy':
        case 'aws_sqs_queue_policy':
        case 'aws_sns_topic_policy':
        case 'aws_ecr_repository_policy':
        case 'aws_kms_key':
        case 'aws_secretsmanager_secret_policy':
          checkPolicy(addr, a('policy')?.value);
          break;
        case 'aws_iam_role':
          checkPolicy(addr, a('assume_role_policy')?.value);
          blocksOf(body, 'inline_policy').forEach((ip) => checkPolicy(`${addr}.inline_policy`, attr(ip.body, 'policy')?.value));
          break;
        case 'google_compute_firewall': {
          const dir = (v('direction') ?? 'INGRESS').toUpperCase();
          if (dir !== 'INGRESS') break;
          const world = listOf(a('source_ranges')?.value).find((x) => WORLD.has(scalar(x) ?? ''));
          if (!world) break;
          blocksOf(body, 'allow').forEach((al, i) => {
            const proto = (scalar(attr(al.body, 'protocol')?.value) ?? '').toLowerCase();
            const ports = listOf(attr(al.body, 'ports')?.value).map((p) => portRange(scalar(p)));
            const all = proto === 'all' || ((proto === 'tcp' || proto === 'udp') && ports.length === 0) || ports.some((p) => p && p.from <= 1 && p.to >= 65535);
            if (all) add('tf-gcp-firewall-open-all-ports', world.range, `${addr}.allow[${i}]`, `${addr} allows every ${proto || ''} port from ${scalar(world)}.`);
            else {
              const hit = ports.map((p) => (p ? adminIn(p, adminPorts) : undefined)).find((p) => p !== undefined);
              if (hit !== undefined) add('tf-gcp-firewall-open-admin-port', world.range, `${addr}.allow[${i}]`, `${addr} allows port ${hit} from ${scalar(world)}.`);
            }
          });
          break;
        }
        case 'google_storage_bucket_iam_member':
        case 'google_storage_bucket_iam_binding':
        case 'google_storage_bucket_access_control':
        case 'google_storage_default_object_access_control':
        case 'google_storage_object_access_control': {
          const vals = [...listOf(a('member')?.value), ...listOf(a('members')?.value), ...listOf(a('entity')?.value)];
          for (const m of vals) {
            const s = scalar(m) ?? '';
            if (/^(?:allUsers|allAuthenticatedUsers)$/.test(s)) add('tf-gcp-bucket-public', m.range, `${addr}|${s}`, `${addr} grants access to ${s}.`);
          }
          break;
        }
        case 'google_project_iam_member':
        case 'google_project_iam_binding':
        case 'google_folder_iam_member':
        case 'google_organization_iam_member': {
          const role = v('role');
          if (role === 'roles/owner' || role === 'roles/editor') add('tf-gcp-primitive-role', a('role')!.value.range, addr, `${addr} grants ${role}.`);
          break;
        }
        case 'azurerm_network_security_rule':
          azureRule(addr, body, add, adminPorts);
          break;
        case 'azurerm_network_security_group':
          blocksOf(body, 'security_rule').forEach((sr, i) => azureRule(`${addr}.security_rule[${i}]`, sr.body, add, adminPorts));
          break;
        case 'azurerm_storage_account':
          for (const n of ['allow_blob_public_access', 'allow_nested_items_to_be_public']) {
            const x = a(n);
            if (x && scalar(x.value) === 'true') add('tf-azure-storage-public-access', x.range, `${addr}|${n}`, `${addr} sets ${n} = true.`);
          }
          for (const n of ['enable_https_traffic_only', 'https_traffic_only_enabled']) {
            const x = a(n);
            if (x && scalar(x.value) === 'false') add('tf-azure-storage-https-disabled', x.range, addr, `${addr} allows plain HTTP.`);
          }
          if (/^TLS1_[01]$/.test(v('min_tls_version') ?? '')) add('tf-azure-storage-weak-tls', a('min_tls_version')!.range, addr, `${addr} accepts ${v('min_tls_version')}.`);
          break;
        case 'azurerm_storage_container': {
          const t = v('container_access_type');
          if (t === 'blob' || t === 'container') add('tf-azure-storage-public-access', a('container_access_type')!.range, addr, `${addr} is publicly readable (${t}).`);
          break;
        }
      }
    }
  }
  return out;
}

type Add = (rule: string, rng: Range, identity: string, message: string) => void;

function azureRule(addr: string, body: Body, add: Add, adminPorts: number[]): void {
  const v = (n: string) => scalar(attr(body, n)?.value);
  if ((v('direction') ?? '').toLowerCase() !== 'inbound' || (v('access') ?? '').toLowerCase() !== 'allow') return;
  const srcs = [attr(body, 'source_address_prefix')?.value, ...listOf(attr(body, 'source_address_prefixes')?.value)].filter((x): x is Expr => !!x);
  const world = srcs.find((s) => AZ_WORLD.has((scalar(s) ?? '').toLowerCase()));
  if (!world) return;
  const ports = [scalar(attr(body, 'destination_port_range')?.value), ...listOf(attr(body, 'destination_port_ranges')?.value).map(scalar)].filter((x): x is string => x !== undefined).map(portRange);
  if (ports.some((p) => p && p.from <= 0 && p.to >= 65535)) {
    add('tf-azure-nsg-open-all-ports', world.range, addr, `${addr} allows every port from ${scalar(world)}.`);
    return;
  }
  const hit = ports.map((p) => (p ? adminIn(p, adminPorts) : undefined)).find((p) => p !== undefined);
  if (hit !== undefined) add('tf-azure-nsg-open-admin-port', world.range, addr, `${addr} allows port ${hit} from ${scalar(world)}.`);
}

function statementChecks(addr: string, sts: Statement[], add: Add): void {
  sts.forEach((s, i) => {
    if (s.effect.toLowerCase() !== 'allow') return;
    const sid = `${addr}|${s.sid ?? `statement[${i}]`}`;
    const star = (xs: PVal[]) => xs.find((x) => pstr(x) === '*');
    const wa = star(s.actions);
    if (wa) add('tf-aws-iam-wildcard-action', wa.range, sid, `${addr} allows every action ("*").`);
    const wr = star(s.resources);
    const nonRead = s.actions.some((x) => {
      const a = pstr(x) ?? '';
      return a !== '' && !/:(?:Get|List|Describe|Head)[A-Za-z]*$/.test(a) && a !== '*';
    });
    if (wr && !wa && nonRead) add('tf-aws-iam-wildcard-resource', wr.range, sid, `${addr} allows write actions on every resource ("*").`);
    const wp = star(s.principals);
    if (wp && !s.hasCondition) add('tf-aws-iam-wildcard-principal', wp.range, sid, `${addr} allows any principal ("*") without a condition.`);
    if (s.notActions.length) add('tf-aws-iam-not-action', s.notActions[0]!.range, sid, `${addr} uses Allow with NotAction.`);
  });
}

/** Parses each file; returns the parsed files and `line N: message` errors. */
export function parseTfFiles<F extends { path: string; text: string }>(files: F[], parse: (f: F) => Body): { parsed: TfFile[]; errors: { path: string; message: string }[] } {
  const parsed: TfFile[] = [];
  const errors: { path: string; message: string }[] = [];
  for (const f of files) {
    const index = new LineIndex(f.text);
    try {
      parsed.push({ path: f.path, text: f.text, body: parse(f), index });
    } catch (e) {
      const off = (e as { offset?: number }).offset ?? 0;
      errors.push({ path: f.path, message: `line ${index.at(off).line}: ${(e as Error).message}` });
    }
  }
  return { parsed, errors };
}
