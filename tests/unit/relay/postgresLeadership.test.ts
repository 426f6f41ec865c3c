/**
 * Replicas on one PostgreSQL database elect one leader (a session-level advisory lock on a
 * connection of its own). When the leader's session ends — its process died, or the connection
 * broke — another replica takes over; a clean stop hands over too. Uses the machine's PostgreSQL
 * (tests/testkit/postgres.ts): unreachable, the test fails.
 */
import { Client } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../../Relay/logging/logger';
import { PostgresLeadership, leaderSessionName } from '../../../Relay/store/postgresLeadership';
import { afterTest } from '../../testkit/cleanup';
import { TEST_DATABASE_URL, uniqueSchemaName } from '../../testkit/postgres';

const logger = createLogger({ level: 'silent' });

/** Poll (no deadline of its own: jest's test timeout bounds it). */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await sleep(20);
}

describe('PostgresLeadership', () => {
  const replica = (name: string, elected: string[], id: string) => {
    const leadership = new PostgresLeadership({
      connectionString: TEST_DATABASE_URL,
      name,
      checkMs: 50,
      logger,
    });
    afterTest(() => leadership.stop());
    return { leadership, start: () => leadership.start(() => elected.push(id)) };
  };

  it('one replica leads; when its session dies another takes over, and a stop hands over', async () => {
    const name = uniqueSchemaName('leader');
    const elected: string[] = [];
    const a = replica(name, elected, 'a');
    const b = replica(name, elected, 'b');
    const c = replica(name, elected, 'c');
    await a.start();
    await b.start();
    await c.start();
    expect([a, b, c].map((r) => r.leadership.isLeader())).toEqual([true, false, false]);
    expect(elected).toEqual(['a']);
    // Another deployment (another schema) elects its own leader.
    const other = replica(uniqueSchemaName('leader'), [], 'other');
    await other.start();
    expect(other.leadership.isLeader()).toBe(true);

    // The leader's session ends as when its process is killed: the server drops it and its lock.
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    afterTest(() => admin.end());
    const terminated = await admin.query(
      `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND s.application_name = $1`,
      [leaderSessionName(name)],
    );
    expect(terminated.rowCount).toBe(1);
    await until(() => b.leadership.isLeader() || c.leadership.isLeader());
    expect(a.leadership.isLeader()).toBe(false);
    expect(elected).toHaveLength(2);
    // The old leader reconnects as a follower: never two leaders.
    await sleep(200);
    expect([a, b, c].filter((r) => r.leadership.isLeader())).toHaveLength(1);

    const next = [a, b, c].find((r) => r.leadership.isLeader())!;
    await next.leadership.stop();
    await until(() => [a, b, c].some((r) => r !== next && r.leadership.isLeader()));
    expect([a, b, c].filter((r) => r.leadership.isLeader())).toHaveLength(1);
    expect(elected).toHaveLength(3);
  });
});
