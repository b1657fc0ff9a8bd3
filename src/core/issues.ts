import type * as z from 'zod';

/**
 * A zod issue as one sentence; a value outside a fixed set (an enum, or a union of enums and literals such as
 * `failOn`) names the value given and every allowed one, where zod says only "Invalid input".
 */
export function issueMessage(issue: z.core.$ZodIssue, data: unknown): string {
  const allowed = allowedValues(issue);
  if (!allowed) return issue.message;
  let given: unknown = data;
  for (const p of issue.path) given = given && typeof given === 'object' ? (given as Record<PropertyKey, unknown>)[p] : undefined;
  return `${JSON.stringify(given) ?? 'the value'} is not allowed: use one of ${allowed.map((v) => String(v)).join(', ')}`;
}

/** The values allowed where an issue is about a value outside a fixed set, or undefined for other issues. */
function allowedValues(issue: z.core.$ZodIssue): unknown[] | undefined {
  if (issue.code === 'invalid_value') return [...issue.values];
  if (issue.code !== 'invalid_union' || !issue.errors.length) return undefined;
  const out: unknown[] = [];
  for (const branch of issue.errors) {
    const vals = branch.length === 1 ? allowedValues(branch[0]!) : undefined;
    if (!vals) return undefined;
    out.push(...vals);
  }
  return out;
}
