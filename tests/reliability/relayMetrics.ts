/** The relay's Prometheus text at /metrics, read into numbers the scenarios compare. */

export type Samples = Map<string, number>;

/** `name{label="v",…} value` lines → key `name{label="v",…}` (labels as printed). */
export async function scrape(relayUrl: string): Promise<Samples> {
  const response = await fetch(`${relayUrl}/metrics`);
  const text = await response.text();
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^(\S+?)(\{.*\})?\s+(\S+)$/.exec(line);
    if (match) samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

/** Sum of every sample of `name` whose labels include all of `labels`. */
export function total(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const [key, value] of samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([label, v]) => key.includes(`${label}="${v}"`))) sum += value;
  }
  return sum;
}

/** Waits until the relay's queue has nothing queued or running (or `limitMs` passes). */
export async function queueIdle(relayUrl: string, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  let quietReads = 0;
  while (Date.now() < until) {
    const samples = await scrape(relayUrl);
    const busy =
      total(samples, 'cosell_queue_depth', { state: 'queued' }) +
      total(samples, 'cosell_queue_depth', { state: 'running' });
    // Two quiet reads in a row: a webhook in flight between reads would show in the second.
    quietReads = busy === 0 ? quietReads + 1 : 0;
    if (quietReads >= 2) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
