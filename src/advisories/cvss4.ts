/**
 * CVSS v4.0 scores computed from vector strings, per the FIRST CVSS v4.0 specification (section 8,
 * "CVSS v4.0 Scoring"): the vector is placed in a MacroVector (equivalence classes EQ1–EQ6), the
 * MacroVector's score comes from the specification's lookup table, and the score is lowered by the
 * mean proportional severity distance from the MacroVector's highest-severity vectors, exactly as the
 * FIRST reference calculator does it.
 *
 * The score is that of the vector as written: with only base metrics it is CVSS-B; threat (`E`) and
 * environmental metrics, when present, are applied as the reference calculator applies them
 * (`E:X` counts as `E:A`, `CR/IR/AR:X` as `H`, `M*:X` as the base value). Supplemental metrics are
 * validated but never change the score.
 */

type Metrics = Map<string, string>;

const BASE: Record<string, readonly string[]> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
};

const OPTIONAL: Record<string, readonly string[]> = {
  // threat
  E: ['X', 'A', 'P', 'U'],
  // environmental
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MAT: ['X', 'N', 'P'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'P', 'A'],
  MVC: ['X', 'H', 'L', 'N'],
  MVI: ['X', 'H', 'L', 'N'],
  MVA: ['X', 'H', 'L', 'N'],
  MSC: ['X', 'H', 'L', 'N'],
  MSI: ['X', 'S', 'H', 'L', 'N'],
  MSA: ['X', 'S', 'H', 'L', 'N'],
  // supplemental (no effect on the score)
  S: ['X', 'N', 'P'],
  AU: ['X', 'N', 'Y'],
  R: ['X', 'A', 'U', 'I'],
  V: ['X', 'D', 'C'],
  RE: ['X', 'L', 'M', 'H'],
  U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
};

/**
 * Score of each MacroVector (EQ1..EQ6 levels, 0 = most severe), from the CVSS v4.0 specification's
 * lookup table as published with the FIRST reference calculator (`cvss_lookup.js`).
 */
const MACROVECTOR_SCORE: Readonly<Record<string, number>> = {
  '000000': 10, '000001': 9.9, '000010': 9.8, '000011': 9.5, '000020': 9.5, '000021': 9.2,
  '000100': 10, '000101': 9.6, '000110': 9.3, '000111': 8.7, '000120': 9.1, '000121': 8.1,
  '000200': 9.3, '000201': 9, '000210': 8.9, '000211': 8, '000220': 8.1, '000221': 6.8,
  '001000': 9.8, '001001': 9.5, '001010': 9.5, '001011': 9.2, '001020': 9, '001021': 8.4,
  '001100': 9.3, '001101': 9.2, '001110': 8.9, '001111': 8.1, '001120': 8.1, '001121': 6.5,
  '001200': 8.8, '001201': 8, '001210': 7.8, '001211': 7, '001220': 6.9, '001221': 4.8,
  '002001': 9.2, '002011': 8.2, '002021': 7.2, '002101': 7.9, '002111': 6.9, '002121': 5,
  '002201': 6.9, '002211': 5.5, '002221': 2.7,
  '010000': 9.9, '010001': 9.7, '010010': 9.5, '010011': 9.2, '010020': 9.2, '010021': 8.5,
  '010100': 9.5, '010101': 9.1, '010110': 9, '010111': 8.3, '010120': 8.4, '010121': 7.1,
  '010200': 9.2, '010201': 8.1, '010210': 8.2, '010211': 7.1, '010220': 7.2, '010221': 5.3,
  '011000': 9.5, '011001': 9.3, '011010': 9.2, '011011': 8.5, '011020': 8.5, '011021': 7.3,
  '011100': 9.2, '011101': 8.2, '011110': 8, '011111': 7.2, '011120': 7, '011121': 5.9,
  '011200': 8.4, '011201': 7, '011210': 7.1, '011211': 5.2, '011220': 5, '011221': 3,
  '012001': 8.6, '012011': 7.5, '012021': 5.2, '012101': 7.1, '012111': 5.2, '012121': 2.9,
  '012201': 6.3, '012211': 2.9, '012221': 1.7,
  '100000': 9.8, '100001': 9.5, '100010': 9.4, '100011': 8.7, '100020': 9.1, '100021': 8.1,
  '100100': 9.4, '100101': 8.9, '100110': 8.6, '100111': 7.4, '100120': 7.7, '100121': 6.4,
  '100200': 8.7, '100201': 7.5, '100210': 7.4, '100211': 6.3, '100220': 6.3, '100221': 4.9,
  '101000': 9.4, '101001': 8.9, '101010': 8.8, '101011': 7.7, '101020': 7.6, '101021': 6.7,
  '101100': 8.6, '101101': 7.6, '101110': 7.4, '101111': 5.8, '101120': 5.9, '101121': 5,
  '101200': 7.2, '101201': 5.7, '101210': 5.7, '101211': 5.2, '101220': 5.2, '101221': 2.5,
  '102001': 8.3, '102011': 7, '102021': 5.4, '102101': 6.5, '102111': 5.8, '102121': 2.6,
  '102201': 5.3, '102211': 2.1, '102221': 1.3,
  '110000': 9.5, '110001': 9, '110010': 8.8, '110011': 7.6, '110020': 7.6, '110021': 7,
  '110100': 9, '110101': 7.7, '110110': 7.5, '110111': 6.2, '110120': 6.1, '110121': 5.3,
  '110200': 7.7, '110201': 6.6, '110210': 6.8, '110211': 5.9, '110220': 5.2, '110221': 3,
  '111000': 8.9, '111001': 7.8, '111010': 7.6, '111011': 6.7, '111020': 6.2, '111021': 5.8,
  '111100': 7.4, '111101': 5.9, '111110': 5.7, '111111': 5.7, '111120': 4.7, '111121': 2.3,
  '111200': 6.1, '111201': 5.2, '111210': 5.7, '111211': 2.9, '111220': 2.4, '111221': 1.6,
  '112001': 7.1, '112011': 5.9, '112021': 3, '112101': 5.8, '112111': 2.6, '112121': 1.5,
  '112201': 2.3, '112211': 1.3, '112221': 0.6,
  '200000': 9.3, '200001': 8.7, '200010': 8.6, '200011': 7.2, '200020': 7.5, '200021': 5.8,
  '200100': 8.6, '200101': 7.4, '200110': 7.4, '200111': 6.1, '200120': 5.6, '200121': 3.4,
  '200200': 7, '200201': 5.4, '200210': 5.2, '200211': 4, '200220': 4, '200221': 2.2,
  '201000': 8.5, '201001': 7.5, '201010': 7.4, '201011': 5.5, '201020': 6.2, '201021': 5.1,
  '201100': 7.2, '201101': 5.7, '201110': 5.5, '201111': 4.1, '201120': 4.6, '201121': 1.9,
  '201200': 5.3, '201201': 3.6, '201210': 3.4, '201211': 1.9, '201220': 1.9, '201221': 0.8,
  '202001': 6.4, '202011': 5.1, '202021': 2, '202101': 4.7, '202111': 2.1, '202121': 1.1,
  '202201': 2.4, '202211': 0.9, '202221': 0.4,
  '210000': 8.8, '210001': 7.5, '210010': 7.3, '210011': 5.3, '210020': 6, '210021': 5,
  '210100': 7.3, '210101': 5.5, '210110': 5.9, '210111': 4, '210120': 4.1, '210121': 2,
  '210200': 5.4, '210201': 4.3, '210210': 4.5, '210211': 2.2, '210220': 2, '210221': 1.1,
  '211000': 7.5, '211001': 5.5, '211010': 5.8, '211011': 4.5, '211020': 4, '211021': 2.1,
  '211100': 6.1, '211101': 5.1, '211110': 4.8, '211111': 1.8, '211120': 2, '211121': 0.9,
  '211200': 4.6, '211201': 1.8, '211210': 1.7, '211211': 0.7, '211220': 0.8, '211221': 0.2,
  '212001': 5.3, '212011': 2.4, '212021': 1.4, '212101': 2.4, '212111': 1.2, '212121': 0.5,
  '212201': 1, '212211': 0.3, '212221': 0.1,
};

/**
 * Highest-severity vectors of each EQ level (specification data, `max_composed.js` of the reference
 * calculator). EQ3 and EQ6 are joint: indexed by EQ3 level, then EQ6 level.
 */
const EQ1_MAX: readonly (readonly string[])[] = [
  ['AV:N/PR:N/UI:N'],
  ['AV:A/PR:N/UI:N', 'AV:N/PR:L/UI:N', 'AV:N/PR:N/UI:P'],
  ['AV:P/PR:N/UI:N', 'AV:A/PR:L/UI:P'],
];
const EQ2_MAX: readonly (readonly string[])[] = [['AC:L/AT:N'], ['AC:H/AT:N', 'AC:L/AT:P']];
const EQ3EQ6_MAX: readonly (readonly (readonly string[])[])[] = [
  [['VC:H/VI:H/VA:H/CR:H/IR:H/AR:H'], ['VC:H/VI:H/VA:L/CR:M/IR:M/AR:H', 'VC:H/VI:H/VA:H/CR:M/IR:M/AR:M']],
  [
    ['VC:L/VI:H/VA:H/CR:H/IR:H/AR:H', 'VC:H/VI:L/VA:H/CR:H/IR:H/AR:H'],
    [
      'VC:L/VI:H/VA:L/CR:H/IR:M/AR:H',
      'VC:L/VI:H/VA:H/CR:H/IR:M/AR:M',
      'VC:H/VI:L/VA:H/CR:M/IR:H/AR:M',
      'VC:H/VI:L/VA:L/CR:M/IR:H/AR:H',
      'VC:L/VI:L/VA:H/CR:H/IR:H/AR:M',
    ],
  ],
  [[], ['VC:L/VI:L/VA:L/CR:H/IR:H/AR:H']],
];
const EQ4_MAX: readonly (readonly string[])[] = [['SC:H/SI:S/SA:S'], ['SC:H/SI:H/SA:H'], ['SC:L/SI:L/SA:L']];

/** Depth (maximal severity distance + 1) of each EQ level, in steps of 0.1 (`max_severity.js`). */
const EQ1_DEPTH = [1, 4, 5];
const EQ2_DEPTH = [1, 2];
const EQ3EQ6_DEPTH: readonly (readonly number[])[] = [[7, 6], [8, 8], [0, 10]];
const EQ4_DEPTH = [6, 5, 4];

/** Severity level of each value within its metric, in steps of 0.1 (0 = most severe). */
const LEVEL: Record<string, Record<string, number>> = {
  AV: { N: 0, A: 1, L: 2, P: 3 },
  PR: { N: 0, L: 1, H: 2 },
  UI: { N: 0, P: 1, A: 2 },
  AC: { L: 0, H: 1 },
  AT: { N: 0, P: 1 },
  VC: { H: 0, L: 1, N: 2 },
  VI: { H: 0, L: 1, N: 2 },
  VA: { H: 0, L: 1, N: 2 },
  SC: { H: 1, L: 2, N: 3 },
  SI: { S: 0, H: 1, L: 2, N: 3 },
  SA: { S: 0, H: 1, L: 2, N: 3 },
  CR: { H: 0, M: 1, L: 2 },
  IR: { H: 0, M: 1, L: 2 },
  AR: { H: 0, M: 1, L: 2 },
};

const EQ1_METRICS = ['AV', 'PR', 'UI'];
const EQ2_METRICS = ['AC', 'AT'];
const EQ3EQ6_METRICS = ['VC', 'VI', 'VA', 'CR', 'IR', 'AR'];
const EQ4_METRICS = ['SC', 'SI', 'SA'];
const DISTANCE_METRICS = [...EQ1_METRICS, ...EQ2_METRICS, ...EQ3EQ6_METRICS, ...EQ4_METRICS];

/** Parses a CVSS v4.0 vector into its metrics, or undefined if it is malformed. */
function parse(vector: string): Metrics | undefined {
  const parts = vector.split('/');
  if (parts[0] !== 'CVSS:4.0') return undefined;
  const m: Metrics = new Map();
  for (const part of parts.slice(1)) {
    const i = part.indexOf(':');
    if (i <= 0) return undefined;
    const key = part.slice(0, i);
    const value = part.slice(i + 1);
    const allowed = Object.hasOwn(BASE, key) ? BASE[key] : Object.hasOwn(OPTIONAL, key) ? OPTIONAL[key] : undefined;
    if (!allowed || !allowed.includes(value) || m.has(key)) return undefined;
    m.set(key, value);
  }
  for (const key of Object.keys(BASE)) if (!m.has(key)) return undefined;
  return m;
}

/** The value a metric takes for scoring: worst-case defaults for E/CR/IR/AR, `M*` overrides. */
function effective(m: Metrics, metric: string): string {
  const v = m.get(metric) ?? 'X';
  if (metric === 'E') return v === 'X' ? 'A' : v;
  if (metric === 'CR' || metric === 'IR' || metric === 'AR') return v === 'X' ? 'H' : v;
  const modified = m.get('M' + metric);
  return modified !== undefined && modified !== 'X' ? modified : v;
}

function macroVector(get: (metric: string) => string): [number, number, number, number, number, number] {
  const av = get('AV');
  const pr = get('PR');
  const ui = get('UI');
  const eq1 = av === 'N' && pr === 'N' && ui === 'N' ? 0 : (av === 'N' || pr === 'N' || ui === 'N') && av !== 'P' ? 1 : 2;
  const eq2 = get('AC') === 'L' && get('AT') === 'N' ? 0 : 1;
  const vc = get('VC');
  const vi = get('VI');
  const va = get('VA');
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  const eq4 = get('SI') === 'S' || get('SA') === 'S' ? 0 : get('SC') === 'H' || get('SI') === 'H' || get('SA') === 'H' ? 1 : 2;
  const e = get('E');
  const eq5 = e === 'A' ? 0 : e === 'P' ? 1 : 2;
  const eq6 = (get('CR') === 'H' && vc === 'H') || (get('IR') === 'H' && vi === 'H') || (get('AR') === 'H' && va === 'H') ? 0 : 1;
  return [eq1, eq2, eq3, eq4, eq5, eq6];
}

function lookup(eqs: readonly number[]): number | undefined {
  return MACROVECTOR_SCORE[eqs.join('')];
}

function withLevel(eqs: readonly number[], index: number, delta = 1): number[] {
  const next = [...eqs];
  next[index] = (next[index] ?? 0) + delta;
  return next;
}

function splitMetrics(s: string): Map<string, string> {
  return new Map(s.split('/').map((p) => p.split(':') as [string, string]));
}

/** Rounds half up to one decimal, with the reference calculator's 1e-6 tolerance. */
function round1(x: number): number {
  return Math.round((x + 1e-6) * 10) / 10;
}

/**
 * The CVSS v4.0 score of a vector such as `CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`,
 * or undefined if the vector is malformed (wrong prefix, unknown or repeated metric, invalid value,
 * missing base metric). Never throws.
 */
export function cvss4Score(vector: string): number | undefined {
  if (typeof vector !== 'string') return undefined;
  const m = parse(vector.trim());
  if (!m) return undefined;
  const get = (metric: string): string => effective(m, metric);
  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((k) => get(k) === 'N')) return 0;

  const eqs = macroVector(get);
  const [eq1, eq2, eq3, eq4, , eq6] = eqs;
  const value = lookup(eqs);
  if (value === undefined) return undefined;

  // Score of the next lower MacroVector along each EQ (undefined when there is none).
  const lowerEq1 = lookup(withLevel(eqs, 0));
  const lowerEq2 = lookup(withLevel(eqs, 1));
  let lowerEq3Eq6: number | undefined;
  if (eq3 === 0 && eq6 === 0) {
    const left = lookup(withLevel(eqs, 5));
    const right = lookup(withLevel(eqs, 2));
    lowerEq3Eq6 = left !== undefined && (right === undefined || left > right) ? left : right;
  } else if (eq3 === 1 && eq6 === 0) {
    lowerEq3Eq6 = lookup(withLevel(eqs, 5));
  } else if (eq6 === 1 && (eq3 === 0 || eq3 === 1)) {
    lowerEq3Eq6 = lookup(withLevel(eqs, 2));
  } else {
    lowerEq3Eq6 = lookup(withLevel(withLevel(eqs, 2), 5));
  }
  const lowerEq4 = lookup(withLevel(eqs, 3));
  const lowerEq5 = lookup(withLevel(eqs, 4));

  // Severity distance from the first highest-severity vector of the MacroVector that the vector does not exceed.
  const maxes: Map<string, string>[] = [];
  for (const a of EQ1_MAX[eq1] ?? [])
    for (const b of EQ2_MAX[eq2] ?? [])
      for (const c of EQ3EQ6_MAX[eq3]?.[eq6] ?? [])
        for (const d of EQ4_MAX[eq4] ?? []) maxes.push(splitMetrics(`${a}/${b}/${c}/${d}`));
  let distance = new Map<string, number>();
  for (const max of maxes) {
    distance = new Map(
      DISTANCE_METRICS.map((k) => [k, (LEVEL[k]?.[get(k)] ?? NaN) - (LEVEL[k]?.[max.get(k) ?? ''] ?? NaN)]),
    );
    if ([...distance.values()].every((d) => d >= 0)) break;
  }
  const sum = (keys: string[]): number => keys.reduce((acc, k) => acc + (distance.get(k) ?? 0), 0);

  const parts: [number | undefined, number, number][] = [
    [lowerEq1, sum(EQ1_METRICS), EQ1_DEPTH[eq1] ?? 1],
    [lowerEq2, sum(EQ2_METRICS), EQ2_DEPTH[eq2] ?? 1],
    [lowerEq3Eq6, sum(EQ3EQ6_METRICS), EQ3EQ6_DEPTH[eq3]?.[eq6] ?? 1],
    [lowerEq4, sum(EQ4_METRICS), EQ4_DEPTH[eq4] ?? 1],
    // EQ5 has a single vector per level: its proportional distance is always 0.
    [lowerEq5, 0, 1],
  ];
  let existing = 0;
  let total = 0;
  for (const [lower, dist, depth] of parts) {
    if (lower === undefined) continue;
    existing++;
    total += (value - lower) * (dist / depth);
  }
  const score = value - (existing === 0 ? 0 : total / existing);
  return round1(Math.min(10, Math.max(0, score)));
}
