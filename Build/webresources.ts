/**
 * `npm run build:webresources`: bundles the opportunity form library with esbuild into one minified
 * IIFE, `out/webresources/opportunityform.js`, which defines the global `PartnerCoSell.OpportunityForm`.
 * The solution packer ships exactly this file as web resource `pcs_/scripts/opportunityform.js`.
 * The build fails unless the bundle, evaluated like a browser would, exposes every handler FormXml
 * registers (FormHandlers) as a function.
 */
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { FormHandlers, WebResourceNames } from '../Domain/constants';

const root = path.resolve(__dirname, '..');
export const WEBRESOURCE_ENTRY = path.join(root, 'WebResources/OpportunityForm/index.ts');
export const WEBRESOURCE_BUNDLE = path.join(root, 'out/webresources/opportunityform.js');

/** Handler names FormXml registers that the code does not define as functions (empty = good). */
export function missingHandlers(code: string): string[] {
  // A bare context: the library must not touch Xrm, window or the DOM merely by being loaded.
  const sandbox: Record<string, unknown> = {};
  runInNewContext(code, sandbox, { filename: path.basename(WEBRESOURCE_BUNDLE) });
  return Object.values(FormHandlers).filter((handler) => {
    const target = handler
      .split('.')
      .reduce<unknown>((scope, key) => (scope as Record<string, unknown> | undefined)?.[key], sandbox);
    return typeof target !== 'function';
  });
}

export async function buildWebResources(
  outfile = WEBRESOURCE_BUNDLE,
): Promise<{ outfile: string; bytes: number }> {
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({
    entryPoints: [WEBRESOURCE_ENTRY],
    outfile,
    bundle: true,
    format: 'iife',
    // esbuild accepts a dotted global name and creates `PartnerCoSell` if it is missing, keeping any
    // other library's members of the same namespace.
    globalName: WebResourceNames.globalNamespace,
    platform: 'browser',
    // Model-driven apps run on evergreen browsers; ES2017 keeps async/await native.
    target: 'es2017',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const code = readFileSync(outfile, 'utf8');
  const missing = missingHandlers(code);
  if (missing.length > 0)
    throw new Error(`${path.relative(root, outfile)} does not export: ${missing.join(', ')}`);
  return { outfile, bytes: Buffer.byteLength(code) };
}

if (require.main === module) {
  buildWebResources()
    .then(({ outfile, bytes }) =>
      console.log(`webresources: ${path.relative(root, outfile)} (${bytes} bytes)`),
    )
    .catch((error: unknown) => {
      console.error(`webresources: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
}
