import * as z from 'zod';
import { scannerSection } from '../../core/config-section.js';

/** A port (`443`), a range (`"8000-8100"`), optionally with a protocol (`"53/udp"`). */
export const portSpecSchema = z.union([
  z.number().int().min(1).max(65535),
  z.string().regex(/^\d{1,5}(?:-\d{1,5})?(?:\/(?:tcp|udp|sctp))?$/, 'expected a port, a range "8000-8100", optionally "/tcp" or "/udp"'),
]);

const oneOrMany = z.union([z.string(), z.array(z.string())]);

/** How the code's resources are matched to a declared service. Without `match`, the service name is used. */
export const exposureMatchSchema = z
  .object({
    compose: oneOrMany.optional().describe('Compose service names (any compose file), or `file.yml#service`.'),
    k8s: oneOrMany.optional().describe('Kubernetes objects as `kind/name` (`deployment/api`, `service/api`, `ingress/web`) or a bare name.'),
    docker: oneOrMany.optional().describe('Dockerfile paths (globs allowed), e.g. `services/api/Dockerfile`.'),
    terraform: oneOrMany.optional().describe('Terraform resource addresses (`aws_security_group.api`), globs allowed.'),
    image: oneOrMany.optional().describe('Container image references (`registry/shop/api:1.2`), globs allowed.'),
  })
  .strict();

/** One service of the exposure policy. */
export const exposureServiceSchema = z
  .object({
    public: z.array(portSpecSchema).default([]).describe('Ports that may be reachable from anywhere.'),
    internal: z.array(portSpecSchema).default([]).describe('Ports reachable only inside the cluster, network or host.'),
    closed: z.array(portSpecSchema).default([]).describe('Ports that must not be exposed at all.'),
    match: exposureMatchSchema.optional(),
  })
  .strict();

/** The `scanners.exposure` section of pipeguard.yml: the network-exposure policy. */
export const exposureConfigSchema = scannerSection({
  services: z.record(z.string(), exposureServiceSchema).default({}).describe('Declared exposure per service. Empty: no policy, nothing is reported.'),
  unmatched: z
    .enum(['report', 'ignore'])
    .default('report')
    .describe('What to do with exposed ports of resources that match no declared service.'),
  disable: z.array(z.string()).default([]).describe('Rule ids (exposure-*) not to run.'),
});

/** Validated `scanners.exposure` section. */
export type ExposureConfig = z.infer<typeof exposureConfigSchema>;
/** One declared service. */
export type ExposureService = z.infer<typeof exposureServiceSchema>;
