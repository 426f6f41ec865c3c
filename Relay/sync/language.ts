/**
 * The language of the messages the relay writes on a record (audit line, sync event): the record
 * owner's Dynamics 365 UI language (usersettings.uilanguageid) when it is one the solution ships in,
 * else 1033. Team-owned records, unknown users and unreadable settings fall back to 1033: a message
 * in English beats a failed sync. Cached per owner; people rarely change their language.
 */
import { SystemColumns, UserSettings } from '../../Domain/constants';
import type { MessageLcid } from '../../Domain/messages';
import { columnName, guid, lookup, where } from '../../Domain/odataQuery';
import type { Clock, DataverseApi, Logger } from '../ports';

export const DEFAULT_LCID: MessageLcid = 1033;
const SUPPORTED: ReadonlySet<number> = new Set([1033, 1046, 3082]);

export interface LanguageResolver {
  /** Language of the owner of this record. */
  ofRecordOwner(entitySet: string, recordId: string): Promise<MessageLcid>;
  /** Language of this user (systemuserid). */
  ofUser(userId: string | null | undefined): Promise<MessageLcid>;
}

/** The owner's language through an optional resolver (test fakes may have none). */
export const ownerLanguage = (
  languages: LanguageResolver | undefined,
  entitySet: string,
  recordId: string,
): Promise<MessageLcid> => languages?.ofRecordOwner(entitySet, recordId) ?? Promise.resolve(DEFAULT_LCID);

export function createLanguageResolver(
  dataverse: DataverseApi,
  clock: Clock,
  options: { ttlMs?: number; logger?: Logger } = {},
): LanguageResolver {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const cache = new Map<string, { lcid: MessageLcid; at: number }>();

  const ofUser = async (userId: string | null | undefined): Promise<MessageLcid> => {
    if (!userId) return DEFAULT_LCID;
    const key = userId.toLowerCase();
    const hit = cache.get(key);
    if (hit && clock.now().getTime() - hit.at < ttlMs) return hit.lcid;
    let lcid = DEFAULT_LCID;
    try {
      const [settings] = await dataverse.retrieveMultiple(UserSettings.entitySet, {
        select: [UserSettings.uiLanguageId],
        filter: where.eq(UserSettings.systemUserId, guid(key)),
      });
      const value = Number(settings?.[UserSettings.uiLanguageId]);
      if (SUPPORTED.has(value)) lcid = value as MessageLcid;
    } catch (error) {
      options.logger?.debug({ err: error, userId: key }, 'user language unknown: messages in 1033');
    }
    cache.set(key, { lcid, at: clock.now().getTime() });
    return lcid;
  };

  return {
    ofUser,
    async ofRecordOwner(entitySet, recordId) {
      const owner = lookup(SystemColumns.ownerId);
      try {
        const record = await dataverse.retrieve(entitySet, recordId, { select: [owner] });
        return await ofUser(record[columnName(owner)] as string | null | undefined);
      } catch (error) {
        options.logger?.debug({ err: error, recordId }, 'record owner unknown: messages in 1033');
        return DEFAULT_LCID;
      }
    },
  };
}
