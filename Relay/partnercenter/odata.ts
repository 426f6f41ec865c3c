/** OData helpers for the Referrals list (partner-center-api.md §1.3). */
import { filterText, orderByText } from '../../Domain/odataQuery';
import type { ReferralListQuery } from '../ports';

/** `?$filter=…&$orderby=…&$top=…` with %20 for spaces (not `+`, which some OData stacks keep literally). */
export function listQueryString(query: ReferralListQuery): string {
  const parts: string[] = [];
  if (query.filter) parts.push(`$filter=${encodeURIComponent(filterText(query.filter))}`);
  if (query.orderBy?.length) parts.push(`$orderby=${encodeURIComponent(orderByText(query.orderBy))}`);
  if (query.top !== undefined) parts.push(`$top=${query.top}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * The documented nextLink is `http://…/v1.0/referrals?$skiptoken=…` — wrong scheme and no
 * `/engagements` — so only its query is trusted and it is re-based onto the configured collection URL.
 */
export function rebaseNextLink(nextLink: string, collectionUrl: string): string {
  const base = new URL(collectionUrl);
  let query: string;
  try {
    query = new URL(nextLink, collectionUrl).search;
  } catch {
    const i = nextLink.indexOf('?');
    query = i >= 0 ? nextLink.slice(i) : '';
  }
  base.search = query;
  return base.toString();
}
