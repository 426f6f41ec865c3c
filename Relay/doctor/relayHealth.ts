/** Reads the running relay's /healthz (queue depth and last reconciliation) over HTTP. */
import { request } from 'undici';
import type { RelayHealth, RelayHealthReader } from './check';

export function relayHealthReader(baseUrl: string, timeoutMs = 5000): RelayHealthReader {
  return {
    async read() {
      const url = `${baseUrl.replace(/\/+$/, '')}/healthz`;
      const response = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const body = (await response.body.json()) as Partial<RelayHealth> & { status?: string };
      if (response.statusCode !== 200 || !body.queue)
        throw new Error(`${url} answered ${response.statusCode} ${body.status ?? ''}`.trim());
      return { queue: body.queue, lastReconciliation: body.lastReconciliation ?? null };
    },
  };
}
