/**
 * The control's typed inputs and outputs. pcf-scripts generates the same shape into the git-ignored
 * `generated/ManifestTypes.d.ts` during a build; this committed copy lets `npm run typecheck` work on a
 * fresh clone before any build. The key check below ties it to `PcfProperties`, and manifest.test.ts ties
 * the manifest's names and of-types to `PROPERTY_KINDS`.
 */
import type { PcfProperties } from '../../Domain/constants';

type Text = ComponentFramework.PropertyTypes.StringProperty;
type Choice = ComponentFramework.PropertyTypes.OptionSetProperty;

export interface IInputs {
  syncEnabled: ComponentFramework.PropertyTypes.TwoOptionsProperty;
  referralId: Text;
  referralLink: Text;
  syncStatus: Choice;
  lastSyncedOn: ComponentFramework.PropertyTypes.DateTimeProperty;
  microsoftCrmId: Text;
  referralStatus: Choice;
  referralSubstatus: Choice;
  audit: Text;
  fieldMap: Text;
  relayUrl: Text;
}

export interface IOutputs {
  syncEnabled?: boolean;
}

/** Manifest of-type of each property, as the test expects to find it in ControlManifest.Input.xml. */
export const PROPERTY_KINDS: Record<keyof IInputs, { ofType: string; usage: 'bound' | 'input' }> = {
  syncEnabled: { ofType: 'TwoOptions', usage: 'bound' },
  referralId: { ofType: 'SingleLine.Text', usage: 'bound' },
  referralLink: { ofType: 'SingleLine.URL', usage: 'bound' },
  syncStatus: { ofType: 'OptionSet', usage: 'bound' },
  lastSyncedOn: { ofType: 'DateAndTime.DateAndTime', usage: 'bound' },
  microsoftCrmId: { ofType: 'SingleLine.Text', usage: 'bound' },
  referralStatus: { ofType: 'OptionSet', usage: 'bound' },
  referralSubstatus: { ofType: 'OptionSet', usage: 'bound' },
  audit: { ofType: 'Multiple', usage: 'bound' },
  fieldMap: { ofType: 'Multiple', usage: 'input' },
  relayUrl: { ofType: 'SingleLine.Text', usage: 'input' },
};

// Compile-time guard: IInputs has exactly the property names of PcfProperties.
type PropertyName = (typeof PcfProperties)[keyof typeof PcfProperties];
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inputsMatchContract: SameKeys<keyof IInputs, PropertyName> = true;
void inputsMatchContract;
