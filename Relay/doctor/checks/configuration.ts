/** The configuration check: the other checks need a valid configuration and credentials to run at all. */
import type { CheckResult } from '../check';

export const CONFIGURATION_CHECK = { id: 'configuration', title: 'Configuration' } as const;

/** ✔ when the configuration loaded; else ✖ with every problem (each names its variable and fix). */
export function configurationResult(problem: Error | null, summary = ''): CheckResult {
  if (!problem)
    return { ...CONFIGURATION_CHECK, ok: true, detail: summary || 'COSELL_* variables are valid' };
  const lines = problem.message
    .split('\n')
    .map((l) => l.replace(/^\s*-\s*/, '').trim())
    .filter(Boolean);
  const problems = lines.length > 1 ? lines.slice(1) : lines;
  return {
    ...CONFIGURATION_CHECK,
    ok: false,
    detail: problems.join('; '),
    fix: 'set the variables named above (docs/configuration.md lists them all), then run `cosell doctor` again',
  };
}
