/**
 * The ✔ / ✖ suffix on the opportunity name (env var pcs_ShowCheckmarkInName) comes from the shared
 * Domain helpers, so the form, the control and the relay agree on it.
 */
import { stripCheckmark, withCheckmark } from '../../Domain/checkmark';

export const withMark = withCheckmark;

export function stripMark(name: string): string;
export function stripMark(name: string | null | undefined): string | null | undefined;
export function stripMark(name: string | null | undefined): string | null | undefined {
  return typeof name === 'string' ? stripCheckmark(name) : name;
}
