/**
 * Correctly keyed but hostile RemoteExecutionContext bodies: Dataverse's own captures with the
 * message, table, parameters, Target attributes and images swapped for odd but well-typed values
 * (wrong value kinds, `__proto__` names, references where numbers belong, unknown messages). A
 * seeded generator, so a failure names the case number and repeats. The route must answer every one
 * with 202 or a 4xx: the parser refuses with ValidationError, or the plug-in handlers decide.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DATAVERSE_WEBHOOK_PAYLOADS } from './paths';
import { seededRandom as seeded } from '../../DevStack/simulators/seededRandom';

type Json = Record<string, unknown>;
type KeyValue = { key: string; value: unknown };

const GUID = 'a5a9f0a8-0b3e-e911-a957-000d3a3b9f3e';
const XRM = 'http://schemas.microsoft.com/xrm/2011/Contracts';

/** Values of every kind the serializer writes, plus a few it never would. */
const VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  '',
  'x',
  '/Date(-62135596800000)/',
  true,
  [],
  {},
  { __type: `EntityReference:${XRM}`, Id: GUID, LogicalName: 'opportunity', Name: null },
  { __type: `EntityReference:${XRM}`, Id: GUID, LogicalName: 'x' },
  { __type: `OptionSetValue:${XRM}`, Value: 3 },
  { __type: `OptionSetValue:${XRM}`, Value: -2147483648 },
  { __type: `Money:${XRM}`, Value: 1 },
  { __type: `Entity:${XRM}`, Attributes: [] },
  { __type: `EntityCollection:${XRM}`, Entities: [{ Attributes: [{ key: 'x', value: 1 }] }] },
  [{ __type: `OptionSetValue:${XRM}`, Value: 1 }],
  { __type: `AliasedValue:${XRM}`, Value: { __type: `Money:${XRM}`, Value: 2 } },
  { Value: {} },
];
const MESSAGES = [
  'Create',
  'Update',
  'Win',
  'Lose',
  'Delete',
  'Associate',
  'QualifyLead',
  'SetState',
  'Close',
];
const TABLES = [
  'opportunity',
  'lead',
  'account',
  'contact',
  'pcs_microsoftsolution',
  'opportunityclose',
  'x',
];
/** Columns and parameters our handlers read, and names that are dangerous as object keys. */
const NAMES = [
  'pcs_syncwithpartnercenter',
  'name',
  'statecode',
  'statuscode',
  'regardingobjectid',
  'pcs_opportunityid',
  'pcs_solutiondetail',
  'opportunityid',
  'OpportunityClose',
  'Status',
  'Target',
  '__proto__',
  'constructor',
  'toString',
];

const captures = (): Json[] =>
  readdirSync(DATAVERSE_WEBHOOK_PAYLOADS).map(
    (file) =>
      JSON.parse(
        readFileSync(path.join(DATAVERSE_WEBHOOK_PAYLOADS, file), 'utf8').replace(/^\uFEFF/, ''),
      ) as Json,
  );

/** `count` hostile bodies as the JSON text Dataverse would post. */
export function hostileExecutionContexts(count: number, seed = 13): string[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const entry = (): KeyValue => ({ key: pick(NAMES), value: pick(VALUES) });
  const bases = captures();
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = structuredClone(pick(bases));
    body.MessageName = pick(MESSAGES);
    body.PrimaryEntityName = pick(TABLES);
    const parameters = (body.InputParameters ??= []) as KeyValue[];
    const target = parameters.find((p) => p.key === 'Target')?.value as
      { Attributes?: KeyValue[] } | undefined;
    for (let j = 0; j < 1 + Math.floor(random() * 4); j++) {
      if (target?.Attributes && random() < 0.6) target.Attributes.push(entry());
      else parameters.push(entry());
    }
    if (random() < 0.3) body.PreEntityImages = [{ key: pick(NAMES), value: { Attributes: [entry()] } }];
    if (random() < 0.3) body.PostEntityImages = [{ key: 'post', value: { Attributes: [entry(), entry()] } }];
    bodies.push(JSON.stringify(body));
  }
  return bodies;
}
