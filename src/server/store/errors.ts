/** Errors the store raises that the HTTP layer turns into status codes. */

/** A project, finding, user or token that does not exist (404). */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A request the store refuses as invalid (400): a bad triage state, a missing reason, a bad name. */
export class InvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidError';
  }
}
