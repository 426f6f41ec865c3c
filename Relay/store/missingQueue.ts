/**
 * Raised when only an existing queue may be opened (admin commands) and there is none: opening
 * would create an empty one, and a typo in a folder or schema name would then read as "nothing to do".
 */
export class MissingQueueError extends Error {
  constructor(where: string) {
    super(`no relay database at ${where}`);
    this.name = 'MissingQueueError';
  }
}
