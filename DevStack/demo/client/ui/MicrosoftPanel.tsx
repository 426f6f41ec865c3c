/**
 * Microsoft's side of the deal, through the Partner Center simulator's control API: create an
 * incoming referral (with its expiry), engage on the partner's co-sell as a named Microsoft seller with
 * a note, update it as a Microsoft seller or close Microsoft's side as won, make Partner Center reject
 * the next create — and Partner Center's own view of the open record's referral, beside the form.
 */
import * as React from 'react';

const BASE = '/demo/partnercenter';
const CONTROL = `${BASE}/_control`;

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers:
      body === undefined
        ? { accept: 'application/json' }
        : { accept: 'application/json', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

interface Referral {
  id: string;
  name?: string;
  status?: string;
  substatus?: string;
  eTag?: string;
  details?: {
    dealValue?: number;
    currency?: string;
    closingDateTime?: string;
    notes?: string;
    requirements?: { solutions?: { id: string }[] };
  };
  customerProfile?: { name?: string; team?: { email?: string }[] };
  trackingInfo?: { microsoftMsxId?: string };
  expirationDateTime?: string | null;
  consent?: { consentToShareReferralWithMicrosoftSellers?: boolean };
}

export function MicrosoftPanel({ referralId, onChanged }: { referralId: string | null; onChanged(): void }) {
  const [name, setName] = React.useState('Fabrikam — Azure migration');
  const [company, setCompany] = React.useState('Fabrikam Inc');
  const [dealValue, setDealValue] = React.useState('25000');
  const [notes, setNotes] = React.useState('Updated by the Microsoft seller');
  const [expiresInDays, setExpiresInDays] = React.useState('14');
  const [seller, setSeller] = React.useState('Mia Seller');
  const [sellerEmail, setSellerEmail] = React.useState('mia.seller@microsoft.example');
  const [engageNote, setEngageNote] = React.useState(
    'I will bring the Azure specialist to the next customer call.',
  );
  const [relatedId, setRelatedId] = React.useState<string | null>(null);
  const [referral, setReferral] = React.useState<Referral | null>(null);
  const [message, setMessage] = React.useState('');

  const loadReferral = React.useCallback(async () => {
    if (!referralId) return setReferral(null);
    try {
      setReferral(await call<Referral>('GET', `${BASE}/v1.0/engagements/referrals/${referralId}`));
    } catch (error) {
      setMessage((error as Error).message);
    }
  }, [referralId]);

  React.useEffect(() => {
    void loadReferral();
    const timer = window.setInterval(() => void loadReferral(), 2000);
    return () => window.clearInterval(timer);
  }, [loadReferral]);

  React.useEffect(() => setRelatedId(null), [referralId]);

  const act = async (label: string, run: () => Promise<unknown>) => {
    try {
      await run();
      setMessage(`${label}: done`);
      onChanged();
      await loadReferral();
    } catch (error) {
      setMessage(`${label}: ${(error as Error).message}`);
    }
  };

  return (
    <div className="panel" data-testid="microsoft-panel">
      <h3>Microsoft (Partner Center)</h3>
      <fieldset>
        <legend>New incoming referral</legend>
        <input
          data-testid="ms-name"
          aria-label="referral name"
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <input
          data-testid="ms-company"
          aria-label="customer"
          value={company}
          onChange={(e) => setCompany(e.target.value)}
        />
        <input
          data-testid="ms-dealvalue"
          aria-label="deal value"
          type="number"
          value={dealValue}
          onChange={(e) => setDealValue(e.target.value)}
        />
        <label>
          expires in (days){' '}
          <input
            data-testid="ms-expires-days"
            aria-label="expires in days"
            type="number"
            step="0.5"
            value={expiresInDays}
            onChange={(e) => setExpiresInDays(e.target.value)}
          />
        </label>
        <button
          data-testid="ms-create"
          onClick={() =>
            void act('Create referral', () =>
              call('POST', `${CONTROL}/referrals/incoming`, {
                name,
                customerProfile: { name: company },
                details: { dealValue: Number(dealValue) },
                expirationDateTime: new Date(Date.now() + Number(expiresInDays) * 86_400_000).toISOString(),
              }),
            )
          }
        >
          Create incoming referral
        </button>
      </fieldset>
      <fieldset>
        <legend>Partner Center faults</legend>
        <button
          data-testid="ms-fault-400"
          onClick={() =>
            void act('Reject next create', () =>
              call('POST', `${CONTROL}/faults`, {
                method: 'POST',
                path: '/v1.0/engagements/referrals',
                status: 400,
              }),
            )
          }
        >
          Reject the next referral create (400)
        </button>
      </fieldset>
      {referralId && (
        <fieldset>
          <legend>This record&apos;s referral</legend>
          <input
            data-testid="ms-seller"
            aria-label="Microsoft seller"
            value={seller}
            onChange={(e) => setSeller(e.target.value)}
          />
          <input
            data-testid="ms-seller-email"
            aria-label="Microsoft seller email"
            value={sellerEmail}
            onChange={(e) => setSellerEmail(e.target.value)}
          />
          <input
            data-testid="ms-engage-note"
            aria-label="Microsoft seller note"
            value={engageNote}
            onChange={(e) => setEngageNote(e.target.value)}
          />
          <button
            data-testid="ms-engage"
            onClick={() =>
              void act('Engage', async () => {
                const [firstName, ...last] = seller.trim().split(/\s+/);
                const result = await call<{ related: { id: string } }>(
                  'POST',
                  `${CONTROL}/referrals/${referralId}/engage`,
                  {
                    seller: { firstName, lastName: last.join(' '), email: sellerEmail },
                    notes: engageNote,
                  },
                );
                setRelatedId(result.related.id);
              })
            }
          >
            Engage on co-sell
          </button>
          {relatedId && (
            <button
              data-testid="ms-won"
              onClick={() =>
                void act("Microsoft's side won", () =>
                  call('POST', `${CONTROL}/referrals/${relatedId}/microsoft-update`, {
                    substatus: 'Won',
                    notes,
                  }),
                )
              }
            >
              Close Microsoft&apos;s side as won
            </button>
          )}
          <input
            data-testid="ms-notes"
            aria-label="notes"
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
          />
          <button
            data-testid="ms-update"
            onClick={() =>
              void act('Update', () =>
                call('POST', `${CONTROL}/referrals/${referralId}/microsoft-update`, {
                  dealValue: Number(dealValue),
                  notes,
                }),
              )
            }
          >
            Update as Microsoft seller
          </button>
        </fieldset>
      )}
      {message && (
        <div className="muted" data-testid="ms-message">
          {message}
        </div>
      )}
      {referral && (
        <dl className="referral-view" data-testid="pc-referral">
          <dt>Referral</dt>
          <dd>{referral.name}</dd>
          <dt>Status</dt>
          <dd data-testid="pc-status">
            {referral.status} / {referral.substatus}
          </dd>
          <dt>Deal value</dt>
          <dd data-testid="pc-dealvalue">
            {referral.details?.dealValue} {referral.details?.currency}
          </dd>
          <dt>Closing</dt>
          <dd>{referral.details?.closingDateTime}</dd>
          <dt>Customer</dt>
          <dd>{referral.customerProfile?.name}</dd>
          <dt>Solutions</dt>
          <dd data-testid="pc-solutions">
            {referral.details?.requirements?.solutions?.map((s) => s.id).join(', ')}
          </dd>
          <dt>Visible to Microsoft</dt>
          <dd>{String(referral.consent?.consentToShareReferralWithMicrosoftSellers ?? '')}</dd>
          <dt>Microsoft CRM id</dt>
          <dd>{referral.trackingInfo?.microsoftMsxId}</dd>
          <dt>Expires</dt>
          <dd data-testid="pc-expires">{referral.expirationDateTime}</dd>
          <dt>Notes</dt>
          <dd>{referral.details?.notes}</dd>
        </dl>
      )}
    </div>
  );
}
