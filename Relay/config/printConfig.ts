/**
 * `cosell relay --print-config`: every `COSELL_*` variable with the value the relay would use and
 * where it comes from. Secrets show only whether they are set, and credentials inside any URL value
 * are masked, so the output can be pasted into a support ticket.
 */
import { loadConfig } from './config';
import { configFields } from './schemaFields';

const MASK = '********';

/** `scheme://user:password@host` → `scheme://user:********@host`. */
const maskUrlCredentials = (value: string) => value.replace(/(\/\/[^/:@\s]*):[^/@\s]*@/, `$1:${MASK}@`);

export function printableConfig(env: Record<string, string | undefined>): string {
  loadConfig(env); // invalid configuration: the ConfigError lists every problem
  const lines = configFields().map((field) => {
    const given = env[field.name];
    const set = given !== undefined && given !== '';
    if (field.secret) return `${field.name}=${set ? MASK : ''}  # ${set ? 'set' : 'not set'}`;
    const value = set ? given : (field.defaultValue ?? '');
    const source = set ? 'environment' : field.defaultValue !== null ? 'default' : 'not set';
    return `${field.name}=${maskUrlCredentials(value)}  # ${source}`;
  });
  return `${lines.join('\n')}\n`;
}
