/**
 * PCF entry point: a thin adapter. Context → one props object (props.ts) → React element. Output
 * protocol: the toggle stores the pending value and calls notifyOutputChanged; getOutputs returns it
 * once and clears it.
 */
import * as React from 'react';
import { parseFieldMap, type FieldMapResult } from '../../Domain/fieldMap';
import type { RelayClient } from '../../Domain/relayApi';
import { PartnerCenterSync as View } from './components/PartnerCenterSync';
import { webApiData, type OpportunityData } from './data';
import type { IInputs, IOutputs } from './inputs';
import { buildProps, clientUrlOf, type ControlContext } from './props';
import { lazyRelayClient } from './relay';
import { translator } from './strings';

const copyToClipboard = (text: string): Promise<void> =>
  navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.reject(new Error('No clipboard'));

export class PartnerCenterSync implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private notifyOutputChanged: () => void = () => undefined;
  private pending: IOutputs | undefined;
  private data!: OpportunityData;
  private relayUrl: string | null = null;
  private relay: RelayClient | undefined;
  private fieldMapText: string | undefined;
  private fieldMap!: FieldMapResult;
  private resources!: ControlContext['resources'];
  // Reads the newest context's resources; the function itself stays the same across updates.
  private readonly t = translator((id) => this.resources.getString(id));

  public init(context: ControlContext, notifyOutputChanged?: () => void): void {
    if (notifyOutputChanged) this.notifyOutputChanged = notifyOutputChanged;
    this.data = webApiData(context.webAPI);
    this.configure(context);
  }

  public updateView(context: ControlContext): React.ReactElement {
    const relay = this.configure(context);
    this.resources = context.resources;
    return React.createElement(
      View,
      buildProps(context, {
        t: this.t,
        fieldMap: this.fieldMap,
        data: this.data,
        relay,
        now: () => new Date(),
        copyText: copyToClipboard,
        onToggle: this.onToggle,
        pendingSyncEnabled: this.pending?.syncEnabled,
      }),
    );
  }

  public getOutputs(): IOutputs {
    const outputs = this.pending ?? {};
    this.pending = undefined;
    return outputs;
  }

  public destroy(): void {
    // Virtual control: the platform owns the React tree and unmounts it; nothing global was bound.
  }

  private onToggle = (checked: boolean): void => {
    this.pending = { syncEnabled: checked };
    this.notifyOutputChanged();
  };

  /**
   * Re-parse static configuration only when its text changed. Compared by value rather than
   * through `context.updatedProperties`, which hosts fill inconsistently for static properties (the
   * pcf-start harness leaves them out).
   */
  private configure(context: ControlContext): RelayClient {
    const fieldMapText = context.parameters.fieldMap.raw ?? '';
    if (fieldMapText !== this.fieldMapText) {
      this.fieldMapText = fieldMapText;
      this.fieldMap = parseFieldMap(fieldMapText);
    }
    const relayUrl = context.parameters.relayUrl.raw?.trim() || null;
    if (!this.relay || relayUrl !== this.relayUrl) {
      this.relayUrl = relayUrl;
      this.relay = lazyRelayClient({
        reader: context.webAPI,
        userId: context.userSettings.userId,
        lcid: context.userSettings.languageId,
        relayBaseUrl: relayUrl,
        clientUrl: clientUrlOf(context.page),
      });
    }
    return this.relay;
  }
}
