/**
 * CPU profile of this process while a piece of work runs (V8's sampling profiler through the
 * inspector, what `node --cpu-prof` records), summarised for a results JSON: self time per function,
 * and self time per component, so a missed goal comes with what the process spent its time on.
 */
import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';

/**
 * Components by source location, first match wins. A sample is charged to the component of the
 * innermost frame that has one: native work (a socket write, a SQLite step, JSON.parse) has no
 * location of its own and goes to whoever called it.
 */
export const COMPONENTS: Array<[component: string, location: RegExp]> = [
  [
    'logging',
    /\/node_modules\/(pino|@pinojs|sonic-boom|thread-stream|fast-redact)\/|\/Relay\/logging\/|\/Relay\/server\/requestLog/,
  ],
  ['sqlite store', /\/node_modules\/better-sqlite3\/|\/Relay\/store\//],
  ['metrics', /\/node_modules\/(prom-client|tdigest|bintrees)\//],
  [
    'webhook verification',
    /\/Relay\/(dataverse|partnercenter)\/webhookVerification|\/Domain\/(jsonDepth|pluginEvent|referral)|\/node_modules\/zod\//,
  ],
  ['routes and handlers', /\/Relay\/|\/Plugins\/|\/Domain\//],
  [
    'fastify',
    /\/node_modules\/(fastify|@fastify|find-my-way|avvio|fast-json-stringify|light-my-request|toad-cache)\//,
  ],
  ['node http and sockets', /^node:(_http|net|internal\/(http|streams|stream_base_commons|net))/],
];

/** V8's pseudo-frames: waiting for I/O, collecting garbage, running outside JavaScript. */
const PSEUDO_FRAMES = new Set(['(idle)', '(garbage collector)', '(program)']);

export interface ProfileSummary {
  samples: number;
  /** Share of samples the process had nothing to do (waiting for the load, or for the disk). */
  idlePercent: number;
  /** Self time by component, % of all samples, largest first. */
  byComponent: Array<{ component: string; selfPercent: number }>;
  /** Self time by function and location, % of all samples, largest first. */
  topSelfTime: Array<{ function: string; selfPercent: number }>;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Where a frame is, relative to the repository or node_modules (no machine paths in results). */
function locationOf(frame: Profiler.ProfileNode['callFrame']): string {
  if (!frame.url) return '';
  const relative = frame.url.replace(/^.*\/(node_modules|Relay|Domain|Plugins|DevStack|bench)\//, '$1/');
  return `${relative}:${frame.lineNumber + 1}`;
}

export function summarizeProfile(profile: Profiler.Profile, top = 25): ProfileSummary {
  const parentOf = new Map<number, Profiler.ProfileNode>();
  const byId = new Map<number, Profiler.ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parentOf.set(child, node);
  }
  const componentOf = (node: Profiler.ProfileNode): string => {
    if (PSEUDO_FRAMES.has(node.callFrame.functionName)) return node.callFrame.functionName;
    for (let at: Profiler.ProfileNode | undefined = node; at; at = parentOf.get(at.id)) {
      const url = at.callFrame.url;
      if (!url) continue;
      const match = COMPONENTS.find(([, location]) => location.test(url));
      if (match) return match[0];
    }
    return 'other (node and V8 internals)';
  };

  const total = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const byFunction = new Map<string, number>();
  const byComponent = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const name = `${node.callFrame.functionName || '(anonymous)'} ${locationOf(node.callFrame)}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    const component = componentOf(node);
    byComponent.set(component, (byComponent.get(component) ?? 0) + hits);
  }
  const percent = (hits: number) => (total ? round1((100 * hits) / total) : 0);
  const ranked = (counts: Map<string, number>) => [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return {
    samples: total,
    idlePercent: percent(byComponent.get('(idle)') ?? 0),
    byComponent: ranked(byComponent).map(([component, hits]) => ({ component, selfPercent: percent(hits) })),
    topSelfTime: ranked(byFunction)
      .slice(0, top)
      .map(([fn, hits]) => ({ function: fn, selfPercent: percent(hits) })),
  };
}

/** Runs `work` under the sampling profiler; the raw profile, for a benchmark's own summary. */
export async function recordProfile<T>(
  work: () => Promise<T>,
): Promise<{ value: T; profile: Profiler.Profile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const value = await work();
    const { profile } = await session.post('Profiler.stop');
    return { value, profile };
  } finally {
    session.disconnect(); // also stops a profiler the work's failure left running
  }
}

/** Runs `work` under the sampling profiler and summarises what this process did meanwhile. */
export async function profileWhile<T>(
  work: () => Promise<T>,
): Promise<{ value: T; profile: ProfileSummary }> {
  const { value, profile } = await recordProfile(work);
  return { value, profile: summarizeProfile(profile) };
}
