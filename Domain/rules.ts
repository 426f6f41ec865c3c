/**
 * Sharing rules: what Partner Center will refuse, checked before we send (form save, PCF pre-flight,
 * relay). One implementation for all three, so the seller sees the same words everywhere.
 */
import type { Lcid } from './constants';
import type { FieldMap } from './fieldMap';
import type { DealType, OpportunitySnapshot, Problem } from './opportunity';

// ---- contract (implemented by the Foundation issue) ----

/** private / partner-led / co-sell from pcs_referralvisibility and pcs_helpneeded option values. */
export declare function dealTypeOf(
  visibility: number | null | undefined,
  helpNeeded: number | null | undefined,
): DealType;

/** Every problem that blocks sharing this opportunity, in a stable order (empty = can sync). */
export declare function checkSharingRules(snapshot: OpportunitySnapshot, map: FieldMap): Problem[];

/** ISO 3166-1 alpha-2 check (exact two upper-case letters of an assigned code). */
export declare function isIso2Country(value: unknown): boolean;

/** User-facing text of a problem in 1033 / 1046 / 3082 (falls back to 1033). */
export declare function problemMessage(problem: Problem, lcid: Lcid | number): string;
