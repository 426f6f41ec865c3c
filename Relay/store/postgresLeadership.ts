/**
 * Leader election among relay replicas sharing one PostgreSQL database: the leader holds a
 * session-level advisory lock on a connection of its own (not from the pool, which would hand the
 * session to other queries). PostgreSQL releases the lock when that session ends, so when the
 * leader's process dies the next replica to try takes over within one check interval.
 * https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
 *
 * A leader whose connection fails steps down at once, even though the server may keep the old
 * session (and the lock) until it notices the broken connection: for that window nobody leads,
 * never two.
 */
import { Client } from 'pg';
import type { Leadership, Logger } from '../ports';
import { lockIdSql } from './postgresSchema';

export interface PostgresLeadershipOptions {
  connectionString: string;
  /** Replicas of one deployment share the name (the store's schema); others never compete. */
  name: string;
  /** How often a follower tries to take over, and the leader checks its connection (default 5 s). */
  checkMs?: number;
  logger: Logger;
}

export const leaderSessionName = (name: string) => `cosell-leader:${name}`;

export class PostgresLeadership implements Leadership {
  private client: Client | null = null;
  private leader = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private campaigning: Promise<void> | null = null;
  private onElected: (() => void) | undefined;

  constructor(private readonly options: PostgresLeadershipOptions) {}

  isLeader(): boolean {
    return this.leader;
  }

  async start(onElected?: () => void): Promise<void> {
    this.onElected = onElected;
    this.stopped = false;
    await this.campaign();
    this.timer = setInterval(() => void this.campaign(), this.options.checkMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.campaigning;
    const client = this.client;
    this.client = null;
    const wasLeader = this.leader;
    this.leader = false;
    if (client) {
      // Ending the session releases the lock; unlocking first hands over without waiting for that.
      if (wasLeader) await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      await client.end().catch(() => undefined);
    }
  }

  private campaign(): Promise<void> {
    this.campaigning ??= this.attempt().finally(() => {
      this.campaigning = null;
    });
    return this.campaigning;
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    let client = this.client;
    try {
      if (!client) {
        client = new Client({
          connectionString: this.options.connectionString,
          keepAlive: true,
          // Shows in pg_stat_activity: operators (and tests) see which session holds leadership.
          application_name: leaderSessionName(this.options.name),
        });
        const connecting = client;
        connecting.on('error', (error) => this.lose(connecting, error));
        await connecting.connect();
        this.client = connecting;
      }
      if (this.leader) {
        // Still connected means the session, and so the lock, is still ours.
        await client.query('SELECT 1');
        return;
      }
      const { rows } = await client.query<{ held: boolean }>(
        `SELECT pg_try_advisory_lock(${lockIdSql('$1')}) AS held`,
        [`cosell:leader:${this.options.name}`],
      );
      if (rows[0]?.held && !this.stopped) {
        this.leader = true;
        this.options.logger.info('elected leader: this replica runs reconciliation');
        this.onElected?.();
      }
    } catch (error) {
      if (client) this.lose(client, error);
    }
  }

  private lose(client: Client, error: unknown): void {
    if (this.client !== null && this.client !== client) return;
    if (this.leader) this.options.logger.warn({ err: error }, 'lost leadership: database connection failed');
    else if (!this.stopped)
      this.options.logger.debug({ err: error }, 'leader election: database connection failed');
    this.leader = false;
    this.client = null;
    client.end().catch(() => undefined);
  }
}
