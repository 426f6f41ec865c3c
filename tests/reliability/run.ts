/**
 * `npm run test:reliability [-- --short] [-- --only crash,fuzz [--update]]`: the reliability suite. Runs each
 * scenario on its own relay and simulator processes, prints a table of the figures and goals, and
 * writes them to bench/results/reliability.json + .md (the full run) or test-results/ (--short, as
 * CI runs it). Exits 1 when a goal is missed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../testkit/paths';
import { runScenario, SCENARIOS } from './scenarios';
import type { ScenarioResult, Sizes } from './goals';
import { renderMarkdown } from './report';

const FULL: Sizes = {
  crashBurst: 500,
  secondRelayBurst: 150,
  faultsBurst: 200,
  faultsIncoming: 50,
  throttleBurst: 150,
  fuzzRequests: 5000,
  failoverBurst: 1000,
  throughputBacklog: 200,
  // The product's default is 300 s; 120 s keeps the full run short and the goal still meaningful.
  reconcileIntervalSec: 120,
};

const SHORT: Sizes = {
  crashBurst: 60,
  secondRelayBurst: 40,
  faultsBurst: 40,
  faultsIncoming: 10,
  throttleBurst: 40,
  fuzzRequests: 600,
  failoverBurst: 90,
  throughputBacklog: 40,
  reconcileIntervalSec: 30,
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      only: { type: 'string' },
      // With --only (full sizes): replace those scenarios in the committed figures, keep the others.
      update: { type: 'boolean', default: false },
    },
  });
  const sizes = values.short ? SHORT : FULL;
  const order = Object.keys(SCENARIOS);
  const names = values.only ? values.only.split(',').map((s) => s.trim()) : order;
  const unknown = names.filter((n) => !SCENARIOS[n]);
  if (unknown.length) {
    process.stderr.write(
      `unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(SCENARIOS).join(', ')}\n`,
    );
    return 2;
  }
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'cosell-reliability-'));
  process.stdout.write(
    `reliability suite (${values.short ? 'short' : 'full'}); processes' logs in ${workDir}\n`,
  );
  const results: ScenarioResult[] = [];
  for (const name of names) {
    process.stdout.write(`- ${name} …\n`);
    const loadAtStart = os.loadavg()[0] ?? 0;
    try {
      const result = await runScenario(name, path.join(workDir, name.replace(/\W+/g, '-')), sizes);
      results.push({ ...result, loadAverage: { atStart: loadAtStart, atEnd: os.loadavg()[0] ?? 0 } });
    } catch (error) {
      results.push({
        scenario: name,
        figures: { error: String((error as Error).stack ?? error).slice(0, 2000) },
        goals: [{ goal: `${name}: ran to the end`, actual: String((error as Error).message), met: false }],
        seconds: 0,
      });
    }
    const last = results.at(-1)!;
    for (const g of last.goals) process.stdout.write(`    ${g.met ? '✔' : '✖'} ${g.goal}: ${g.actual}\n`);
  }
  const committed = path.join(REPO_ROOT, 'bench', 'results', 'reliability.json');
  const updating = values.update && values.only !== undefined && !values.short;
  const previous: ScenarioResult[] =
    updating && existsSync(committed)
      ? (JSON.parse(readFileSync(committed, 'utf8')) as { scenarios: ScenarioResult[] }).scenarios
      : [];
  const scenarios = [...previous.filter((p) => !names.includes(p.scenario)), ...results].sort(
    (a, b) => order.indexOf(a.scenario) - order.indexOf(b.scenario),
  );
  const report = {
    suite: 'reliability',
    mode: values.short ? 'short' : 'full',
    date: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    sizes,
    goalsMet: scenarios.every((r) => r.goals.every((g) => g.met)),
    scenarios,
  };
  const markdown = renderMarkdown(report);
  process.stdout.write(`\n${markdown}\n`);
  // A run of some scenarios only, or the short one, never replaces the committed full figures
  // unless asked to (--update).
  const outDir =
    (values.short || values.only) && !updating
      ? path.join(REPO_ROOT, 'test-results')
      : path.join(REPO_ROOT, 'bench', 'results');
  const base = values.short
    ? 'reliability-short'
    : values.only && !updating
      ? 'reliability-partial'
      : 'reliability';
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(outDir, `${base}.md`), markdown);
  process.stdout.write(`written ${path.relative(REPO_ROOT, path.join(outDir, `${base}.json`))}\n`);
  // The exit status speaks for this run's scenarios only.
  return results.every((r) => r.goals.every((g) => g.met)) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
    process.exitCode = 1;
  },
);
