/** The suite's figures as a Markdown table: one row per goal, the key figures of each scenario below. */
import type { ScenarioResult } from './goals';

export interface ReliabilityReport {
  mode: string;
  date: string;
  node: string;
  cpus: number;
  goalsMet: boolean;
  scenarios: ScenarioResult[];
}

const cell = (value: unknown) =>
  (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)).replace(/\|/g, '\\|');

export function renderMarkdown(report: ReliabilityReport): string {
  const lines = [
    `# Reliability suite (${report.mode}), ${report.date.slice(0, 10)}`,
    '',
    `Node ${report.node}, ${report.cpus} CPUs. All goals met: ${report.goalsMet ? 'yes' : 'no'}.`,
    '',
    '| scenario | goal | actual | met |',
    '| --- | --- | --- | --- |',
  ];
  for (const scenario of report.scenarios)
    for (const goal of scenario.goals)
      lines.push(
        `| ${scenario.scenario} | ${cell(goal.goal)} | ${cell(goal.actual)} | ${goal.met ? '✔' : '✖'} |`,
      );
  lines.push('', '| scenario | figure | value |', '| --- | --- | --- |');
  for (const scenario of report.scenarios) {
    lines.push(`| ${scenario.scenario} | seconds | ${scenario.seconds} |`);
    for (const [name, value] of Object.entries(scenario.figures))
      lines.push(`| ${scenario.scenario} | ${cell(name)} | ${cell(value)} |`);
  }
  return `${lines.join('\n')}\n`;
}
