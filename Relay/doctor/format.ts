/** `cosell doctor` output: one ✔/✖ line per check, the fix under each ✖, and a last line of totals. */
import type { CheckResult } from './check';

export function formatResults(results: CheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.ok ? '✔' : '✖'} ${r.title}: ${r.detail}`);
    if (!r.ok && r.fix) lines.push(`    fix: ${r.fix}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`);
  return `${lines.join('\n')}\n`;
}

export function resultsJson(results: CheckResult[]): string {
  return `${JSON.stringify({ ok: results.every((r) => r.ok), checks: results }, null, 2)}\n`;
}
