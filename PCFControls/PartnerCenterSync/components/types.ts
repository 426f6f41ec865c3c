/** Props of the React view: plain values, injected services and callbacks. Never the PCF context. */
import type { FieldMapResult } from '../../../Domain/fieldMap';
import type { DataverseRecord } from '../../../Domain/opportunity';
import type { RelayClient } from '../../../Domain/relayApi';
import type { OpportunityData } from '../data';
import type { Translate } from '../strings';
import type { ReferralView, StatusView, ToggleView } from '../viewModel';

export interface PartnerCenterSyncProps {
  t: Translate;
  /** Dataverse language id (1033 / 1046 / 3082) for the shared rules' messages. */
  lcid: number;
  /** BCP 47 tag for dates. */
  locale: string;
  /** When the view was built: relative times and deadlines are measured from it. */
  now: Date;
  /** Bare GUID of the opportunity; null when the host has no saved record. */
  recordId: string | null;
  toggle: ToggleView;
  status: StatusView;
  referral: ReferralView | null;
  fieldMap: FieldMapResult;
  /** Form values not saved yet that the pre-flight must see (the sync switch itself). */
  overlay: DataverseRecord;
  /** Changes whenever the relay wrote back (status, time, audit): lists reload then. */
  revision: string;
  data: OpportunityData;
  relay: RelayClient;
  copyText: (text: string) => Promise<void>;
  onToggle: (checked: boolean) => void;
}
