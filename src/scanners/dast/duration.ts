/** A duration written out: `500ms`, `90s`, `10m`, `1h`. */
export const DURATION = /^\d+(?:\.\d+)?(?:ms|s|m|h)$/;

/** Whether a command-line value is a duration written out (config.ts's durationSchema, for a string). */
export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

/** A duration in milliseconds. */
export function durationMs(v: number | string): number {
  if (typeof v === 'number') return v * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v)!;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
}
