/**
 * The Microsoft sources the simulator's rules rest on, and the rule table itself (README.md lists the
 * same rows; tests/unit/partnercenter/simulatorRuleTable.test.ts keeps the two in step). A rule is
 * enforced only when a source supports it; where a published example contradicts a documented rule,
 * the example wins, and where sources disagree the most recent one wins.
 */

/** `repo@commit:path (date)` for git sources, page URL (+ what we know of its date) for Learn pages. */
export const Sources = {
  createReferral2019:
    'MicrosoftDocs/partner-rest@5c30e90:partner-rest/develop/create-a-referral.md (ms.date 05/17/2019, on the page until 2022-11-28)',
  createReferralCurrent:
    'https://learn.microsoft.com/en-us/partner-center/developer/create-a-referral (current revision with the FY26 rows, 2025)',
  example201902:
    'MicrosoftDocs/partner-rest@10a0312:partner-rest/develop/create-a-referral.md (ms.date 02/07/2019), request and response example',
  example201904:
    'MicrosoftDocs/partner-rest@30168ec:partner-rest/develop/create-a-referral.md (ms.date 04/18/2019), request and response example',
  example201905:
    'MicrosoftDocs/partner-rest@5c30e90:partner-rest/develop/create-a-referral.md (ms.date 05/17/2019), request and response example',
  examplePrivateCurrent:
    'https://learn.microsoft.com/en-us/partner-center/developer/create-a-referral (2025), "Request example" (Private deal; no response published)',
  referralResources2019:
    'MicrosoftDocs/partner-rest@5c30e90:partner-rest/develop/referral-resources.md (ms.date 05/17/2019)',
  referralResourcesCountry:
    'MicrosoftDocs/partner-rest@d9a190f:partner-rest/develop/referral-resources.md (2022: "ISO 3166 2-letter country code format")',
  connectorsTroubleshoot:
    'MicrosoftDocs/partner-center-pr.de-de@938ef92:partner-center/connectors-troubleshoot.md (English source text, ms.date 09/21/2020)',
  connectorDynamics:
    'MicrosoftDocs/partner-center-pr.de-de@76bf71e:partner-center/connector-dynamics.md (English source text, ms.date 03/01/2021)',
  manageCoSell:
    'MicrosoftDocs/partner-center-pr.de-de@9e15942:partner-center/manage-co-sell-opportunities.md (English source text, ms.date 12/16/2020)',
  bulkOperations: 'https://learn.microsoft.com/en-us/partner-center/bulk-operations (current, 2025)',
  patchReferral:
    'https://learn.microsoft.com/en-us/partner-center/developer/patch-a-referral (current; docs/reference/partner-center-api.md §1.4)',
  responseCodes:
    'https://learn.microsoft.com/en-us/partner-center/developer/referrals-api-response-codes (current)',
  connectorReference:
    'https://learn.microsoft.com/en-us/connectors/partnercenterref/ (Power Platform connector, AssistanceRequestCode enum)',
} as const;

/** documented: a page states it; example: a published request/response shows it; inference: our reading. */
export type RuleBasis = 'documented' | 'example' | 'inference';

export interface SimulatorRule {
  id: string;
  operation: 'create' | 'patch';
  rule: string;
  basis: RuleBasis;
  sources: readonly string[];
}

const S = Sources;

export const SIMULATOR_RULES: readonly SimulatorRule[] = [
  {
    id: 'create.requiredBlocks',
    operation: 'create',
    rule: '400 when `type`, `customerProfile`, `consent` or `details` is missing',
    basis: 'documented',
    sources: [S.createReferral2019, S.createReferralCurrent],
  },
  {
    id: 'create.types',
    operation: 'create',
    rule: '400 with the JSON path when a value has the wrong type, or `status` / `type` a value outside their documented enums',
    basis: 'documented',
    sources: [S.referralResources2019],
  },
  {
    id: 'create.caseInsensitiveNames',
    operation: 'create',
    rule: 'property names are matched case-insensitively and answered in camelCase',
    basis: 'example',
    sources: [S.examplePrivateCurrent],
  },
  {
    id: 'create.country',
    operation: 'create',
    rule: '400 unless `customerProfile.address.country` is an ISO 3166 alpha-2 code (upper case)',
    basis: 'documented',
    sources: [S.referralResourcesCountry, S.connectorsTroubleshoot],
  },
  {
    id: 'create.assistanceRequestCode',
    operation: 'create',
    rule: '400 for an `inviteContext.assistanceRequestCode` outside the documented values',
    basis: 'documented',
    sources: [S.connectorReference],
  },
  {
    id: 'create.solutionWhenShared',
    operation: 'create',
    rule: '400 when the referral is shared with Microsoft sellers (`consentToShareReferralWithMicrosoftSellers: true`) and `details.requirements.solutions` is empty',
    basis: 'documented',
    sources: [S.connectorDynamics, S.connectorsTroubleshoot],
  },
  {
    id: 'create.contactWhenHelpRequested',
    operation: 'create',
    rule: '400 when help is requested (shared + `assistanceRequestCode` other than `Unknown`) and no `customerProfile.team` member has first name, last name, email and phone',
    basis: 'documented',
    sources: [S.connectorsTroubleshoot, S.createReferralCurrent],
  },
  {
    id: 'create.statusPair',
    operation: 'create',
    rule: '400 for a `status`/`substatus` pair outside the transition table',
    basis: 'documented',
    sources: [S.referralResources2019],
  },
  {
    id: 'create.initialStatus',
    operation: 'create',
    rule: '`status` absent or `New` → `Active`/`Accepted`; an explicit `Active`/`Accepted` or `Closed`/… is kept; `statusReason` is kept',
    basis: 'example',
    sources: [S.example201905, S.example201904, S.example201902, S.manageCoSell],
  },
  {
    id: 'create.readOnlyDatesEchoed',
    operation: 'create',
    rule: '`createdDateTime` and `expirationDateTime` sent by the caller are kept (`updatedDateTime` is new); otherwise now and `null`',
    basis: 'example',
    sources: [S.example201902],
  },
  {
    id: 'create.engagement',
    operation: 'create',
    rule: 'an `engagementId` of an existing engagement joins it (connected referral); otherwise a new engagement',
    basis: 'documented',
    sources: [S.createReferral2019],
  },
  {
    id: 'create.responseShape',
    operation: 'create',
    rule: '201 with what was sent plus `id`, `engagementId`, `organizationId`, `organizationName`, `externalReferenceId` (null when not sent), `createdDateTime`, `updatedDateTime`, `expirationDateTime`, `status`, `substatus`, `eTag`, `links`; without `details.closingDateTime`',
    basis: 'example',
    sources: [S.example201905, S.example201904, S.example201902],
  },
  {
    id: 'patch.operations',
    operation: 'patch',
    rule: '400 unless the body is a non-empty JSON Patch array of `replace`/`add` operations with a path and a value',
    basis: 'documented',
    sources: [S.patchReferral],
  },
  {
    id: 'patch.ifMatch',
    operation: 'patch',
    rule: '412 when `If-Match` differs from the current eTag; no check without it (or with `*`)',
    basis: 'documented',
    sources: [S.patchReferral, S.responseCodes],
  },
  {
    id: 'patch.closedIsFinal',
    operation: 'patch',
    rule: '409 for any change to a `Closed` referral',
    basis: 'documented',
    sources: [S.manageCoSell, S.bulkOperations, S.responseCodes],
  },
  {
    id: 'patch.transitions',
    operation: 'patch',
    rule: '400 for a status move or `status`/`substatus` pair outside the transition table',
    basis: 'documented',
    sources: [S.referralResources2019],
  },
  {
    id: 'patch.sharingIsFinal',
    operation: 'patch',
    rule: '400 when `consentToShareReferralWithMicrosoftSellers` goes from true to false',
    basis: 'documented',
    sources: [S.connectorDynamics],
  },
  {
    id: 'patch.country',
    operation: 'patch',
    rule: '400 unless a changed `customerProfile.address.country` is an ISO 3166 alpha-2 code',
    basis: 'documented',
    sources: [S.referralResourcesCountry, S.connectorsTroubleshoot],
  },
  {
    id: 'patch.serverAssigned',
    operation: 'patch',
    rule: '400 for a path under `/id`, `/engagementId`, `/organizationId`, `/organizationName`, `/eTag`, `/createdDateTime`, `/updatedDateTime`, `/direction`, `/links`',
    basis: 'inference',
    sources: [S.referralResources2019],
  },
  {
    id: 'patch.numericDealValue',
    operation: 'patch',
    rule: 'a numeric-string `details.dealValue` is stored as a number',
    basis: 'example',
    sources: [S.patchReferral],
  },
];

/** What no source supports, so the simulator does not enforce it (listed in README.md). */
export const NOT_ENFORCED = [
  {
    id: 'create.name',
    why: '`name` is not marked required in either create table, and the 2019-02 example creates a referral without one (its response has none). The Partner Center UI requires a deal name; the relay still sends one.',
    sources: [S.example201902, S.createReferral2019, S.createReferralCurrent],
  },
  {
    id: 'create.customerName',
    why: '`customerProfile.name` is not marked required by any source (every example sends it).',
    sources: [S.createReferral2019],
  },
  {
    id: 'create.servicesCoSellFields',
    why: 'Solution area, solution play and partner role are "Required for Services co-sell referrals only", but no source says what marks a referral as Services co-sell on the wire, nor where the three values travel; the relay checks them before sending (Domain/rules.ts).',
    sources: [S.createReferralCurrent],
  },
  {
    id: 'create.marketplaceIntent',
    why: 'Only the bulk CSV upload calls the marketplace purchase intent required; the API table does not.',
    sources: [S.bulkOperations, S.createReferralCurrent],
  },
] as const;
