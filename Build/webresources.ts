/**
 * `npm run build:webresources`: bundles two script libraries with esbuild, each one minified IIFE:
 * - `out/webresources/opportunityform.js` defines `PartnerCoSell.OpportunityForm` (web resource
 *   `pcs_/scripts/opportunityform.js`); the build fails unless the bundle, evaluated like a browser
 *   would, exposes every handler FormXml registers (FormHandlers) as a function.
 * - `out/webresources/relayauth.js` defines `PartnerCoSell.RelayAuth.createMsalTokenProvider` (web
 *   resource `pcs_/scripts/relayauth.js`): MSAL for the relay sign-in, kept out of the PCF bundle and
 *   loaded by the relay client only when needed (WebResources/relayClient/relayAuthLoader.ts).
 * The solution packer ships exactly these files.
 */
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { FormHandlers, RelayAuthWebResource, WebResourceNames } from '../Domain/constants';

const root = path.resolve(__dirname, '..');
export const WEBRESOURCE_ENTRY = path.join(root, 'WebResources/OpportunityForm/index.ts');
export const WEBRESOURCE_BUNDLE = path.join(root, 'out/webresources/opportunityform.js');
export const RELAYAUTH_ENTRY = path.join(root, 'WebResources/relayClient/relayAuthLibrary.ts');
export const RELAYAUTH_BUNDLE = path.join(root, 'out/webresources/relayauth.js');

/** esbuild options shared by both libraries (the bench re-runs them with a metafile). */
export const libraryOptions = (entry: string, globalName: string): BuildOptions => ({
  entryPoints: [entry],
  bundle: true,
  format: 'iife',
  // esbuild accepts a dotted global name and creates `PartnerCoSell` if it is missing, keeping any
  // other library's members of the same namespace.
  globalName,
  platform: 'browser',
  // Model-driven apps run on evergreen browsers; ES2017 keeps async/await native.
  target: 'es2017',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});

const lookup = (scope: Record<string, unknown>, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], scope);

/** Handler names FormXml registers that the code does not define as functions (empty = good). */
export function missingHandlers(code: string): string[] {
  // A bare context: the library must not touch Xrm, window or the DOM merely by being loaded.
  const sandbox: Record<string, unknown> = {};
  runInNewContext(code, sandbox, { filename: path.basename(WEBRESOURCE_BUNDLE) });
  return Object.values(FormHandlers).filter((handler) => typeof lookup(sandbox, handler) !== 'function');
}

/** The global function names relayauth.js must define that evaluating `code` does not define. */
export function missingRelayAuth(code: string): string[] {
  // Loading must not touch window, storage or the DOM: MSAL is only constructed on the first token request.
  const sandbox: Record<string, unknown> = {};
  runInNewContext(code, sandbox, { filename: path.basename(RELAYAUTH_BUNDLE) });
  return [RelayAuthWebResource.factoryName, RelayAuthWebResource.relayClientFactoryName]
    .map((factory) => `${RelayAuthWebResource.globalNamespace}.${factory}`)
    .filter((name) => typeof lookup(sandbox, name) !== 'function');
}

async function buildLibrary(
  options: BuildOptions,
  outfile: string,
  missing: (code: string) => string[],
): Promise<{ outfile: string; bytes: number }> {
  mkdirSync(path.dirname(outfile), { recursive: true });
  await build({ ...options, outfile });
  const code = readFileSync(outfile, 'utf8');
  const absent = missing(code);
  if (absent.length > 0)
    throw new Error(`${path.relative(root, outfile)} does not export: ${absent.join(', ')}`);
  return { outfile, bytes: Buffer.byteLength(code) };
}

/** The form library, `out/webresources/opportunityform.js`. */
export function buildWebResources(outfile = WEBRESOURCE_BUNDLE): Promise<{ outfile: string; bytes: number }> {
  return buildLibrary(
    libraryOptions(WEBRESOURCE_ENTRY, WebResourceNames.globalNamespace),
    outfile,
    missingHandlers,
  );
}

/** The sign-in library, `out/webresources/relayauth.js`. */
export function buildRelayAuth(outfile = RELAYAUTH_BUNDLE): Promise<{ outfile: string; bytes: number }> {
  return buildLibrary(
    libraryOptions(RELAYAUTH_ENTRY, RelayAuthWebResource.globalNamespace),
    outfile,
    missingRelayAuth,
  );
}

if (require.main === module) {
  Promise.all([buildWebResources(), buildRelayAuth()])
    .then((built) => {
      for (const { outfile, bytes } of built)
        console.log(`webresources: ${path.relative(root, outfile)} (${bytes} bytes)`);
    })
    .catch((error: unknown) => {
      console.error(`webresources: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    });
}
