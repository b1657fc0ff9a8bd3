/**
 * The scales of a threat model: data classification, likelihood and impact, and how a threat's severity follows
 * from its likelihood and impact. Pure data and functions.
 */
import type { Severity } from '../core/types.js';

/** How sensitive data is, from least to most. */
export const CLASSIFICATIONS = ['public', 'internal', 'confidential', 'restricted'] as const;
/** A data classification. */
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Likelihood and impact levels. */
export const LEVELS = ['low', 'medium', 'high'] as const;
/** A likelihood or impact level. */
export type Level = (typeof LEVELS)[number];

/** 0 (public) to 3 (restricted). */
export function classificationLevel(c: Classification): number {
  return CLASSIFICATIONS.indexOf(c);
}

/**
 * Severity from likelihood and impact (a 3×3 risk matrix, as OWASP's risk rating and Threagile use):
 *
 * | likelihood \ impact | low | medium | high |
 * |---|---|---|---|
 * | high | medium | high | critical |
 * | medium | low | medium | high |
 * | low | low | low | medium |
 */
export function severityOf(likelihood: Level, impact: Level): Severity {
  const l = LEVELS.indexOf(likelihood);
  const i = LEVELS.indexOf(impact);
  const score = l + i; // 0..4
  if (score >= 4) return 'critical';
  if (score === 3) return 'high';
  if (score === 2) return 'medium';
  return 'low';
}

/** Impact from the most sensitive data involved: public → low, internal → medium, confidential/restricted → high. */
export function impactOfData(maxLevel: number): Level {
  return maxLevel >= 2 ? 'high' : maxLevel === 1 ? 'medium' : 'low';
}
