/**
 * The simulator's world: referrals, the tenant's one webhook registration, validation events and the
 * delivery log. Persisted as one JSON file (atomic rename) so a restarted simulator keeps its data.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { StoredReferral } from '../../../Domain';

export interface DeliveryAttempt {
  responseCode: number | null;
  responseMessage?: string;
  systemError?: string;
  dateTimeUtc: string;
}

export interface DeliveryRecord {
  id: string;
  eventName: string;
  resourceUri: string;
  /** The exact bytes sent (and signed). */
  body: string;
  callbackUrl: string;
  /** Validation (test-created) events carry their correlation id. */
  correlationId?: string;
  status: 'pending' | 'held' | 'delivered' | 'failed' | 'dropped';
  /** 'duplicate' for the extra copy injected by the duplicate fault. */
  copyOf?: string;
  attempts: DeliveryAttempt[];
  createdDateTime: string;
}

export interface StoredRegistration {
  subscriberId: string;
  webhookUrl: string;
  webhookEvents: string[];
  signatureTokenToMsSignatureHeader: boolean;
  lastModifiedTimestamp: string;
}

export interface SimulatorState {
  referrals: StoredReferral[];
  registration: StoredRegistration | null;
  deliveries: DeliveryRecord[];
  /** Times of recent validation-event requests (2 per minute limit). */
  validationRequests: string[];
}

export const emptyState = (): SimulatorState => ({
  referrals: [],
  registration: null,
  deliveries: [],
  validationRequests: [],
});

/** Keep the delivery log bounded. */
const MAX_DELIVERIES = 1000;

export class StateStore {
  private readonly file: string | null;
  state: SimulatorState;

  constructor(dataDir: string | undefined, reset: boolean) {
    this.file = dataDir ? path.join(dataDir, 'partnercenter-state.json') : null;
    if (this.file) fs.mkdirSync(path.dirname(this.file), { recursive: true });
    this.state = !reset && this.file && fs.existsSync(this.file) ? this.load(this.file) : emptyState();
    this.save();
  }

  private load(file: string): SimulatorState {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SimulatorState>;
    return { ...emptyState(), ...raw };
  }

  save(): void {
    if (this.state.deliveries.length > MAX_DELIVERIES) {
      this.state.deliveries = this.state.deliveries.slice(-MAX_DELIVERIES);
    }
    if (!this.file) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(this.state, null, 2));
    fs.renameSync(tmp, this.file);
  }

  reset(): void {
    this.state = emptyState();
    this.save();
  }

  findReferral(id: string): StoredReferral | undefined {
    return this.state.referrals.find((r) => r.id === id);
  }

  putReferral(referral: StoredReferral): void {
    const i = this.state.referrals.findIndex((r) => r.id === referral.id);
    if (i >= 0) this.state.referrals[i] = referral;
    else this.state.referrals.push(referral);
    this.save();
  }
}
