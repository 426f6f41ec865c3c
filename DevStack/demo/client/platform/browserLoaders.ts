/**
 * Browser-only loading: script libraries (the form's web resources, the PCF bundle) by script tag,
 * as the platform injects them, and the PCF control's registration through
 * `window.ComponentFramework.registerControl` — the hook pcf-scripts' built bundle calls first
 * (node_modules/pcf-scripts/webpackConfig.js generateStub), before falling back to a global namespace.
 */
import { parseControlManifest, parseResx, resxPathFor, type ControlManifestModel } from '../model/manifest';

const loadedScripts = new Map<string, Promise<void>>();

export function loadScript(src: string): Promise<void> {
  let loading = loadedScripts.get(src);
  if (!loading) {
    loading = new Promise<void>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`Could not load ${src}`));
      document.head.appendChild(script);
    });
    loadedScripts.set(src, loading);
  }
  return loading;
}

/** `PartnerCoSell.OpportunityForm.onLoad` → the function on window, if its library defined it. */
export function resolveGlobalFunction(name: string): ((...args: unknown[]) => unknown) | undefined {
  let target: unknown = window;
  for (const part of name.split('.')) {
    target = target && typeof target === 'object' ? (target as Record<string, unknown>)[part] : undefined;
  }
  return typeof target === 'function' ? (target as (...args: unknown[]) => unknown) : undefined;
}

export type ControlConstructor = new () => {
  init(context: unknown, notifyOutputChanged: () => void, state: unknown, container?: HTMLDivElement): void;
  updateView(context: unknown): unknown;
  getOutputs?(): Record<string, unknown>;
  destroy(): void;
};

export interface LoadedControl {
  ctor: ControlConstructor;
  manifest: ControlManifestModel;
  strings(lcid: number): Promise<Record<string, string>>;
}

const registry = new Map<string, ControlConstructor>();
const controls = new Map<string, Promise<LoadedControl>>();

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

/** Loads the built control folder (ControlManifest.xml, css, bundle.js) once. */
export function loadControl(baseUrl: string): Promise<LoadedControl> {
  let loading = controls.get(baseUrl);
  if (!loading) {
    loading = (async () => {
      const win = window as unknown as {
        ComponentFramework?: { registerControl(name: string, ctor: ControlConstructor): void };
      };
      win.ComponentFramework = { registerControl: (name, ctor) => void registry.set(name, ctor) };
      const manifest = parseControlManifest(await fetchText(`${baseUrl}/ControlManifest.xml`));
      for (const css of manifest.css) {
        const link = document.createElement('link');
        link.rel = 'stylesheet';
        link.href = `${baseUrl}/${css}`;
        document.head.appendChild(link);
      }
      await loadScript(`${baseUrl}/bundle.js`);
      const ctor = registry.get(`${manifest.namespace}.${manifest.constructorName}`);
      if (!ctor)
        throw new Error(`bundle.js did not register ${manifest.namespace}.${manifest.constructorName}`);
      const cache = new Map<number, Promise<Record<string, string>>>();
      const strings = (lcid: number) => {
        let pending = cache.get(lcid);
        if (!pending) {
          const resx = resxPathFor(manifest, lcid);
          pending = resx ? fetchText(`${baseUrl}/${resx}`).then(parseResx) : Promise.resolve({});
          cache.set(lcid, pending);
        }
        return pending;
      };
      return { ctor, manifest, strings };
    })();
    controls.set(baseUrl, loading);
    loading.catch(() => controls.delete(baseUrl));
  }
  return loading;
}
