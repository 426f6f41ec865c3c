/**
 * Hosts the real built PCF control in a form cell, as the platform does: init once, updateView on
 * every change of the form's data (with updatedProperties), the virtual control's React element
 * rendered by the page's React 16.14 (the same instance the bundle reads as `Reactv16`), and
 * notifyOutputChanged → getOutputs → the bound attribute's value + OnChange.
 */
import * as React from 'react';
import { PcfControl } from '../../../../Domain/constants';
import type { FormCustomControl } from '../../../../Domain/formXmlControls';
import { loadControl, type LoadedControl } from '../platform/browserLoaders';
import type { FormRuntime } from '../platform/formRuntime';
import { buildPcfContext, columnWrites } from '../platform/pcfContext';
import { useHost, useSubscription } from './host';

interface PcfCellProps {
  runtime: FormRuntime;
  controlName: string;
  customControl: FormCustomControl;
  label: string;
}

type Instance = InstanceType<LoadedControl['ctor']>;

export const CONTROL_BASE_URL = `/demo/controls/${PcfControl.constructorName}`;

export function PcfCell({ runtime, controlName, customControl, label }: PcfCellProps): React.ReactElement {
  const host = useHost();
  const version = useSubscription(runtime);
  const [loaded, setLoaded] = React.useState<{
    control: LoadedControl;
    strings: Record<string, string>;
  } | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [element, setElement] = React.useState<React.ReactNode>(null);
  const instance = React.useRef<Instance | null>(null);
  const container = React.useRef<HTMLDivElement>(null);
  const previous = React.useRef<Record<string, string>>({});

  React.useEffect(() => {
    let live = true;
    loadControl(CONTROL_BASE_URL)
      .then(async (control) => ({ control, strings: await control.strings(host.user.lcid) }))
      .then((result) => live && setLoaded(result))
      .catch((failure: Error) => live && setError(failure.message));
    return () => {
      live = false;
    };
  }, [host.user.lcid]);

  const makeContext = React.useCallback(() => {
    if (!loaded) return null;
    const state = runtime.controls.get(controlName);
    const context = buildPcfContext({
      manifest: loaded.control.manifest,
      customControl,
      form: runtime,
      disabled: state?.disabled ?? false,
      visible: state?.visible ?? true,
      label,
      strings: loaded.strings,
      user: host.user,
      webApi: host.webApi,
      dialogs: host.dialogs,
      clientUrl: host.clientUrl,
      updatedProperties: [],
      requestRender: () => render(),
      width: container.current?.clientWidth,
    });
    // updatedProperties: the properties whose value changed since the last updateView.
    const parameters = context.parameters as Record<string, { raw?: unknown }>;
    const changed: string[] = [];
    for (const [name, parameter] of Object.entries(parameters)) {
      const text = JSON.stringify(parameter.raw ?? null);
      if (previous.current[name] !== text) changed.push(name);
      previous.current[name] = text;
    }
    context.updatedProperties.push(...changed);
    return context;
  }, [loaded, runtime, controlName, customControl, label, host]);

  const render = React.useCallback(() => {
    const context = makeContext();
    if (!context || !instance.current) return;
    try {
      const result = instance.current.updateView(context);
      if (loaded?.control.manifest.controlType === 'virtual') setElement(result as React.ReactNode);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }, [makeContext, loaded]);

  React.useEffect(() => {
    if (!loaded || !container.current) return;
    const control = new loaded.control.ctor();
    instance.current = control;
    const notifyOutputChanged = () => {
      const outputs = control.getOutputs?.() ?? {};
      for (const [column, value] of Object.entries(
        columnWrites(loaded.control.manifest, customControl, outputs),
      )) {
        void runtime.setValueFromUser(column, value);
      }
    };
    try {
      control.init(makeContext(), notifyOutputChanged, {}, container.current);
      render();
    } catch (failure) {
      setError((failure as Error).message);
    }
    return () => {
      instance.current = null;
      control.destroy();
    };
  }, [loaded]);

  React.useEffect(() => {
    render();
  }, [version, render]);

  return (
    <div className="pcf-host" data-testid={`pcf-${controlName}`}>
      {error && <div className="script-error">PCF: {error}</div>}
      <div ref={container}>{element}</div>
    </div>
  );
}
