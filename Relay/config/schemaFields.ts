/**
 * The configuration schema read as data: one entry per `COSELL_*` variable with its type, default,
 * whether it is required or secret, and its meaning. docs/configuration.md and
 * `cosell relay --print-config` are both built from it, so neither can drift from what `loadConfig`
 * accepts.
 */
import type * as z from 'zod';
import { EnvSchema } from './config';

export interface ConfigField {
  name: string;
  type: string;
  /** The default as it would be written in the environment; null when there is none. */
  defaultValue: string | null;
  required: boolean;
  secret: boolean;
  description: string;
}

interface Meta {
  description?: string;
  secret?: boolean;
  kind?: string;
}

const metaOf = (schema: z.ZodType): Meta => (schema.meta() as Meta | undefined) ?? {};

/** Default, optional and the meta wrappers come off; what is left says the type. */
function describeType(schema: z.ZodType): string {
  const kind = metaOf(schema).kind;
  if (kind) return kind;
  const def = schema.def as { type: string; format?: string };
  if (def.type === 'enum')
    return `one of ${(schema as z.ZodEnum).options.map((o) => `\`${String(o)}\``).join(', ')}`;
  if (def.type === 'number') {
    const n = schema as z.ZodNumber;
    const range =
      n.maxValue !== null && n.maxValue < Number.MAX_SAFE_INTEGER
        ? ` ${n.minValue}–${n.maxValue}`
        : n.minValue !== null && n.minValue > Number.MIN_SAFE_INTEGER
          ? ` ≥ ${n.minValue}`
          : '';
    return `${n.isInt ? 'integer' : 'number'}${range}`;
  }
  return def.type;
}

function fieldOf(name: string, outer: z.ZodType): ConfigField {
  let schema = outer;
  let defaultValue: string | null = null;
  let optional = false;
  const meta: Meta = {};
  for (;;) {
    Object.assign(meta, { ...metaOf(schema), ...meta });
    const def = schema.def as { type: string; innerType?: z.ZodType; defaultValue?: unknown };
    if (def.type === 'default') {
      const value = def.defaultValue;
      defaultValue = Array.isArray(value) ? value.join(',') : String(value);
    } else if (def.type !== 'optional') break;
    if (def.type === 'optional') optional = true;
    schema = def.innerType!;
  }
  return {
    name,
    type: describeType(schema),
    defaultValue,
    required: !optional && defaultValue === null,
    secret: meta.secret === true,
    description: meta.description ?? '',
  };
}

export function configFields(schema: z.ZodObject = EnvSchema): ConfigField[] {
  return Object.entries(schema.shape).map(([name, field]) => fieldOf(name, field as z.ZodType));
}
