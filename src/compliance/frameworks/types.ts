/** The shape of a compliance framework, as data. */

/** One control: an SSDF task, a CIS recommendation, a SLSA level, a SAMM stream. */
export interface Control {
  id: string;
  title: string;
  /** The practice, section or function it belongs to. */
  group: string;
  /** What to do to meet it, in a sentence or two. */
  guidance: string;
  /**
   * Set when nothing pipeguard reads can show the control is met (training, risk decisions, process reviews):
   * the report says "no automated evidence" and why, instead of guessing.
   */
  manual?: string;
}

/** A framework and the version of it the controls are taken from. */
export interface Framework {
  /** `ssdf`, `cis-supply-chain`, `slsa`, `samm`: the prefix of `compliance.require` entries. */
  id: string;
  name: string;
  version: string;
  url: string;
  /** What of the framework is listed here, when not all of it. */
  scope?: string;
  controls: Control[];
}
