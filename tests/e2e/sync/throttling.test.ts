/**
 * The 429 metric counts every throttled attempt, including those the HTTP client retried after
 * Retry-After on its own (they never surface as errors), for both APIs, against the simulators'
 * real throttling responses. The sync still succeeds: nothing is lost to throttling. Each
 * throttling answer also lowers the worker's concurrency limit, shown on /metrics.
 */
import { EntitySets, OpportunityColumns } from '../../../Domain/constants';
import { createSeedOpportunity } from '../../../DevStack/sandbox/seedRecords';
import { startTestStack, type TestStack } from '../../testkit/stack';

describe('throttling metrics', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });

  const counter = async (name: string) => {
    const text = await stack.relay.metrics.registry.getSingleMetricAsString(name);
    const values: Record<string, number> = {};
    for (const [, labels, value] of text.matchAll(/^\w+\{([^}]*)\} (\d+)$/gm))
      values[labels!] = Number(value);
    return values;
  };
  const throttled = async () => {
    const values = await counter('cosell_api_throttled_total');
    return {
      dataverse: values['api="dataverse"'] ?? 0,
      partnercenter: values['api="partnercenter"'] ?? 0,
    };
  };

  // First: the limit starts at the configured most only while nothing has been throttled yet.
  it('halves the worker concurrency limit on /metrics at a 429 the HTTP client retried', async () => {
    const limit = async () => {
      const text = await stack.relay.metrics.registry.getSingleMetricAsString(
        'cosell_worker_concurrency_limit',
      );
      return Number(/^cosell_worker_concurrency_limit (\d+)$/m.exec(text)?.[1]);
    };
    const most = stack.config.worker.concurrency;
    expect(await limit()).toBe(most);
    stack.dataverse.setFaults({ throttle: { count: 1, retryAfterSeconds: 0 } });
    await stack.relay.sync.dataverse.retrieveMultiple(EntitySets.account, { top: 1 });
    expect(await limit()).toBe(Math.max(1, Math.floor(most / 2)));
    expect(stack.relay.worker.limit.limit).toBe(await limit());
  });

  it('counts 429s retried inside the HTTP client and the one that exhausted the retries', async () => {
    const start = await throttled();
    // Two 429s, then success: the port call succeeds, yet both throttled attempts count.
    stack.dataverse.setFaults({ throttle: { count: 2, retryAfterSeconds: 0 } });
    const rows = await stack.relay.sync.dataverse.retrieveMultiple(EntitySets.account, { top: 1 });
    expect(Array.isArray(rows)).toBe(true);
    expect((await throttled()).dataverse - start.dataverse).toBe(2);

    // More 429s than the client retries (3 attempts): 3 counted, the call fails with 429.
    stack.dataverse.setFaults({ throttle: { count: 5, retryAfterSeconds: 0 } });
    await expect(
      stack.relay.sync.dataverse.retrieveMultiple(EntitySets.account, { top: 1 }),
    ).rejects.toMatchObject({
      status: 429,
    });
    expect((await throttled()).dataverse - start.dataverse).toBe(5);
    expect(
      (await counter('cosell_api_calls_total'))['api="dataverse",operation="retrieveMultiple",result="429"'],
    ).toBe(1);
    stack.dataverse.setFaults({ throttle: { count: 0 } });
  });

  it('a sync throttled by Partner Center still completes, with every 429 counted', async () => {
    const start = await throttled();
    stack.partnerCenter.routeFaults.add({
      path: '/v1.0/engagements/referrals',
      status: 429,
      retryAfter: 0,
      count: 2,
    });
    const { opportunityId } = await createSeedOpportunity(stack.sellerClient(), { name: 'Throttled push' });
    await stack.settle();
    const opportunity = await stack.opportunity(opportunityId);
    expect(opportunity[OpportunityColumns.referralId]).toEqual(expect.any(String));
    expect((await throttled()).partnercenter - start.partnercenter).toBe(2);
  });
});
