/**
 * The reads a job knows it will make, fetched together in one `$batch` of GETs, then handed to the
 * job's own code: a retrieve or retrieveMultiple asking for exactly a prefetched read gets its answer
 * (once; a second identical read goes to Dataverse, it may follow a write); anything else goes to
 * Dataverse as before. The handlers keep their reads where they are; only the round-trips go.
 */
import { odataQueryString } from '../../Domain/odataQuery';
import type { ODataQuery } from '../../Domain/odataQuery';
import { ApiError } from '../ports';
import type { BatchRead, BatchReadResult, DataverseApi, RetrieveOptions } from '../ports';

const keyOf = (entitySet: string, id: string | undefined, query: ODataQuery | undefined) =>
  `${entitySet}|${id?.toLowerCase() ?? ''}|${odataQueryString(query)}`;

/** Options beyond the defaults (a user's token, annotations, page size) are never prefetched. */
const plain = (options: RetrieveOptions | undefined) =>
  !options || Object.values(options).every((value) => value === undefined);

function notFound(entitySet: string, id: string): ApiError {
  return new ApiError(`dataverse: ${entitySet}(${id}) → 404 (prefetched)`, {
    service: 'dataverse',
    status: 404,
    method: 'GET',
    url: `${entitySet}(${id})`,
  });
}

/** `dataverse` with `reads` already answered by one `$batch` (none: no call at all). */
export async function withPrefetchedReads(
  dataverse: DataverseApi,
  reads: BatchRead[],
): Promise<DataverseApi> {
  const unique = new Map<string, BatchRead>();
  for (const read of reads) unique.set(keyOf(read.entitySet, read.id, read.query), read);
  if (unique.size === 0) return dataverse;
  const results = await dataverse.retrieveBatch([...unique.values()]);
  const answers = new Map<string, BatchReadResult>(
    [...unique.keys()].map((key, index) => [key, results[index] ?? null]),
  );
  const take = (key: string): { hit: true; value: BatchReadResult } | { hit: false } => {
    if (!answers.has(key)) return { hit: false };
    const value = answers.get(key)!;
    answers.delete(key);
    return { hit: true, value };
  };
  const reader: Pick<DataverseApi, 'retrieve' | 'retrieveMultiple'> = {
    async retrieve(entitySet, id, query, options) {
      const answer = plain(options) ? take(keyOf(entitySet, id, query)) : { hit: false as const };
      if (!answer.hit) return dataverse.retrieve(entitySet, id, query, options);
      if (answer.value === null || Array.isArray(answer.value)) throw notFound(entitySet, id);
      return answer.value;
    },
    async retrieveMultiple(entitySet, query, options) {
      const answer = plain(options) ? take(keyOf(entitySet, undefined, query)) : { hit: false as const };
      if (!answer.hit) return dataverse.retrieveMultiple(entitySet, query, options);
      return Array.isArray(answer.value) ? answer.value : [];
    },
  };
  return new Proxy(dataverse, {
    get(target, property) {
      if (property === 'retrieve' || property === 'retrieveMultiple') return reader[property];
      const value = Reflect.get(target, property) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
