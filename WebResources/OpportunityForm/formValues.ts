/**
 * Reads the opportunity form into plain values in Web API shape (the shape OpportunitySnapshot and the
 * shared rules expect): choice = number, Yes/No = boolean, lookup = `_<column>_value` bare GUID,
 * date-only = `YYYY-MM-DD`, date-time = ISO 8601, multi-select = `"1,9"`.
 */
import { OpportunityColumns } from '../../Domain/constants';
import type { DataverseRecord } from '../../Domain/opportunity';
import { lookupValue } from '../../Domain/webApi';
import { bareGuid } from '../relayClient/createRelayClient';

const pad = (n: number) => String(n).padStart(2, '0');

// A date-only column comes back from getValue() as local midnight; toISOString() would shift it to the
// previous day for users east of UTC, so format the local calendar date instead.
const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function webApiValue(attribute: Xrm.Attributes.Attribute): unknown {
  const value: unknown = attribute.getValue();
  if (value === null || value === undefined) return null;
  switch (attribute.getAttributeType()) {
    case 'lookup': {
      const first = (value as Xrm.LookupValue[])[0];
      return first ? bareGuid(first.id) : null;
    }
    case 'datetime': {
      const format = (attribute as Xrm.Attributes.DateAttribute).getFormat();
      return format === 'date' ? localDate(value as Date) : (value as Date).toISOString();
    }
    case 'multiselectoptionset':
      return (value as number[]).join(',');
    default:
      return value;
  }
}

/** Every attribute on the form, by logical name (lookups as `_<name>_value`), plus the primary key. */
export function readOpportunityRecord(form: Xrm.FormContext): DataverseRecord {
  const record: DataverseRecord = {};
  form.data.entity.attributes.forEach((attribute) => {
    const name = attribute.getName();
    const key = attribute.getAttributeType() === 'lookup' ? lookupValue(name) : name;
    record[key] = webApiValue(attribute);
  });
  const id = form.data.entity.getId();
  record[OpportunityColumns.id] = id ? bareGuid(id) : null;
  return record;
}

export function attributeValue(form: Xrm.FormContext, column: string): unknown {
  return form.getAttribute(column)?.getValue() ?? null;
}

/** Sync is on only when the Yes/No column is exactly Yes (null on a new record means off). */
export const syncIsOn = (form: Xrm.FormContext): boolean =>
  attributeValue(form, OpportunityColumns.syncWithPartnerCenter) === true;
