import type { Profiler } from 'node:inspector';
import { summarizeProfile } from '../../../bench/cpuProfile';

/** A profile node as V8 reports it: native frames have no url, pseudo-frames neither. */
const node = (
  id: number,
  functionName: string,
  url: string,
  hitCount: number,
  children: number[] = [],
): Profiler.ProfileNode => ({
  id,
  callFrame: { functionName, url, scriptId: String(id), lineNumber: 9, columnNumber: 0 },
  hitCount,
  children,
});

const REPO = 'file:///home/someone/cosell';

describe('CPU profile summary', () => {
  const profile: Profiler.Profile = {
    startTime: 0,
    endTime: 1,
    nodes: [
      node(1, '(root)', '', 0, [2, 3, 4, 5, 9]),
      node(2, '(idle)', '', 40),
      node(3, '(garbage collector)', '', 10),
      node(4, 'emit', 'node:events', 0, [6, 7]),
      node(5, 'processTicksAndRejections', 'node:internal/process/task_queues', 5),
      node(6, 'write', `${REPO}/node_modules/pino/lib/proto.js`, 5, [8]),
      node(7, 'commitEnqueues', `${REPO}/Relay/store/sqliteStore.ts`, 5, [10]),
      node(8, 'writeString', '', 15),
      node(9, 'parserOnIncoming', 'node:_http_server', 10),
      node(10, 'run', '', 10),
    ],
  };

  it('charts native work to the component that called it, and idle time apart', () => {
    const summary = summarizeProfile(profile);
    expect(summary.samples).toBe(100);
    expect(summary.idlePercent).toBe(40);
    expect(summary.byComponent).toEqual([
      { component: '(idle)', selfPercent: 40 },
      { component: 'logging', selfPercent: 20 }, // pino's frame and the native write under it
      { component: 'sqlite store', selfPercent: 15 }, // the store's frame and SQLite's native run
      { component: '(garbage collector)', selfPercent: 10 },
      { component: 'node http and sockets', selfPercent: 10 },
      { component: 'other (node and V8 internals)', selfPercent: 5 },
    ]);
  });

  it('names functions by location relative to the repository, never by machine path', () => {
    const { topSelfTime } = summarizeProfile(profile, 3);
    expect(topSelfTime).toEqual([
      { function: '(idle)', selfPercent: 40 },
      { function: 'writeString', selfPercent: 15 },
      expect.objectContaining({ selfPercent: 10 }),
    ]);
    const all = summarizeProfile(profile, 100).topSelfTime.map((f) => f.function);
    expect(all).toContain('write node_modules/pino/lib/proto.js:10');
    expect(all).toContain('commitEnqueues Relay/store/sqliteStore.ts:10');
    expect(all.join(' ')).not.toContain('/home/someone');
  });
});
