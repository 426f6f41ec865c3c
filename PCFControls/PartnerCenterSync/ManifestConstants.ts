/**
 * Names from ControlManifest.Input.xml, mirrored as const enums (powercat habit) so code that reacts to
 * `context.updatedProperties` does not spell them. Values must equal `PcfProperties` in Domain/constants.ts;
 * tests/unit/pcf/manifest.test.ts checks both against the manifest.
 */
export const enum ManifestProperty {
  SyncEnabled = 'syncEnabled',
  ReferralId = 'referralId',
  ReferralLink = 'referralLink',
  SyncStatus = 'syncStatus',
  LastSyncedOn = 'lastSyncedOn',
  MicrosoftCrmId = 'microsoftCrmId',
  ReferralStatus = 'referralStatus',
  ReferralSubstatus = 'referralSubstatus',
  Audit = 'audit',
  FieldMap = 'fieldMap',
  RelayUrl = 'relayUrl',
}

export const enum ManifestControl {
  Namespace = 'PartnerCoSell',
  Constructor = 'PartnerCenterSync',
}
