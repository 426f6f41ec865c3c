/**
 * Errors the simulator answers with. The Referrals API's error envelope is undocumented
 * (partner-center-api.md §4.2); the classic Partner Center shape { code, description, data, source }
 * is used so clients must parse it defensively.
 */
export class SimulatorError extends Error {
  constructor(
    readonly status: number,
    /** Numeric service code in the envelope. */
    readonly code: number,
    message: string,
    readonly data: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  get body() {
    return { code: this.code, description: this.message, data: this.data, source: 'PartnerAPI' };
  }
}

// Codes are the simulator's own (the real values are unknown); grouped by status.
export const badRequest = (message: string, data: string[] = []) =>
  new SimulatorError(400, 40000, message, data);
export const notFound = (what: string) => new SimulatorError(404, 40400, `${what} was not found`);
export const conflict = (message: string) => new SimulatorError(409, 40900, message);
export const preconditionFailed = () =>
  new SimulatorError(412, 41200, 'The If-Match eTag does not match the current state of the referral');
export const unauthorized = () =>
  new SimulatorError(401, 40100, 'Authorization header with a Bearer token is required');
