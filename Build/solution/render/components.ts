/** Security, environment variables, web resource, custom control and the two manifest documents. */
import {
  LANGUAGES,
  PUBLISHER,
  PcfControl,
  RelayAuthWebResource,
  SOLUTION_UNIQUE_NAME,
  WebResourceIds,
  WebResourceNames,
} from '../../../Domain/constants';
import { XSI_NS, el, leaf, type XmlNode } from '../xml';
import type { EnvVarDef } from '../model/envVars';
import { label } from '../model/labels';
import type { FieldSecurityProfileDef, RoleDef } from '../model/security';
import { INTRODUCED_VERSION, braced, labelList } from './common';

export function renderRole(r: RoleDef): XmlNode {
  return el('Role', { ...XSI_NS, id: braced(r.id), name: r.name }, [
    leaf('IsCustomizable', 1),
    leaf('IntroducedVersion', INTRODUCED_VERSION),
    el(
      'RolePrivileges',
      r.privileges.map((p) => el('RolePrivilege', { name: p.name, level: p.level })),
    ),
  ]);
}

export function renderFieldSecurityProfiles(profiles: FieldSecurityProfileDef[]): XmlNode {
  return el(
    'FieldSecurityProfiles',
    XSI_NS,
    profiles.map((p) =>
      el(
        'FieldSecurityProfile',
        { name: p.name, description: p.description, fieldsecurityprofileid: braced(p.id) },
        [
          el(
            'FieldPermissions',
            p.permissions.map((f) =>
              el('FieldPermission', [
                leaf('EntityName', f.table),
                leaf('AttributeName', f.column),
                leaf('CanRead', f.read),
                leaf('CanUpdate', f.update),
                leaf('CanCreate', f.create),
              ]),
            ),
          ),
        ],
      ),
    ),
  );
}

/** `environmentvariabledefinitions/<schemaname>/environmentvariabledefinition.xml` (CoE / Contoso shape). */
export function renderEnvVar(v: EnvVarDef): XmlNode {
  const localized = (tag: string, l: EnvVarDef['displayName']) =>
    el(
      tag,
      { default: l[1033] },
      LANGUAGES.map((lcid) => el('label', { description: l[lcid], languagecode: lcid })),
    );
  return el('environmentvariabledefinition', { schemaname: v.schemaName }, [
    v.defaultValue !== undefined && leaf('defaultvalue', v.defaultValue),
    localized('description', v.description),
    localized('displayname', v.displayName),
    leaf('introducedversion', INTRODUCED_VERSION),
    leaf('iscustomizable', 1),
    leaf('isrequired', v.isRequired),
    leaf('secretstore', 0),
    leaf('type', v.type),
  ]);
}

/** One JavaScript web resource of the solution: its fixed id (stable zip part name), name and labels. */
export interface WebResourceDef {
  id: string;
  name: string;
  displayName: string;
  description: string;
}

export const webResources: readonly WebResourceDef[] = [
  {
    id: WebResourceIds.opportunityForm,
    name: WebResourceNames.opportunityForm,
    displayName: 'Partner Center co-sell: opportunity form script',
    description: 'OnLoad/OnSave/OnChange handlers of the co-sell opportunity form.',
  },
  {
    id: RelayAuthWebResource.id,
    name: RelayAuthWebResource.name,
    displayName: 'Partner Center co-sell: relay library',
    description:
      'The co-sell relay client and its MSAL sign-in, loaded on demand by the Partner Center sync control (not a form library).',
  },
];

/**
 * Zip part of a web resource: name without non-word characters + upper-case id without braces, like
 * `/WebResources/safe_isoqar_opportunityjs369E…` in real exports (exact sanitising rule unconfirmed).
 */
export const webResourcePart = (wr: Pick<WebResourceDef, 'id' | 'name'>): string =>
  `/WebResources/${wr.name.replace(/[^A-Za-z0-9_]/g, '')}${wr.id.toUpperCase()}`;

export function renderWebResource(wr: WebResourceDef): XmlNode {
  return el('WebResource', XSI_NS, [
    leaf('WebResourceId', braced(wr.id)),
    leaf('Name', wr.name),
    leaf('DisplayName', wr.displayName),
    leaf('Description', wr.description),
    // 3 = JavaScript (webresource table reference).
    leaf('WebResourceType', 3),
    leaf('IntroducedVersion', INTRODUCED_VERSION),
    leaf('IsEnabledForMobileClient', 0),
    leaf('IsAvailableForMobileOffline', 0),
    leaf('IsCustomizable', 1),
    leaf('CanBeDeleted', 1),
    leaf('IsHidden', 0),
    leaf('FileName', webResourcePart(wr)),
  ]);
}

export const controlManifestPart = (): string => `/Controls/${PcfControl.fullName}/ControlManifest.xml`;

/** `Controls/<name>/ControlManifest.xml.data.xml`: the `<CustomControl>` entry of customizations.xml. */
export function renderCustomControl(): XmlNode {
  return el('CustomControl', XSI_NS, [
    leaf('Name', PcfControl.fullName),
    leaf('FileName', controlManifestPart()),
  ]);
}

export interface RootComponent {
  type: number;
  schemaName?: string;
  id?: string;
  behavior: 0 | 1 | 2;
}

const nil = (tag: string) => el(tag, { 'xsi:nil': 'true' });

/** The publisher address block every real solution.xml carries (two addresses, all nil). */
function address(n: number): XmlNode {
  const nilFields = [
    'City',
    'County',
    'Country',
    'Fax',
    'FreightTermsCode',
    'ImportSequenceNumber',
    'Latitude',
    'Line1',
    'Line2',
    'Line3',
    'Longitude',
    'Name',
    'PostalCode',
    'PostOfficeBox',
    'PrimaryContactName',
  ];
  const tail = [
    'StateOrProvince',
    'Telephone1',
    'Telephone2',
    'Telephone3',
    'TimeZoneRuleVersionNumber',
    'UPSZone',
    'UTCOffset',
    'UTCConversionTimeZoneCode',
  ];
  return el('Address', [
    leaf('AddressNumber', n),
    leaf('AddressTypeCode', 1),
    ...nilFields.map(nil),
    leaf('ShippingMethodCode', 1),
    ...tail.map(nil),
  ]);
}

export function renderSolutionManifest(version: string, managed: 0 | 1, roots: RootComponent[]): XmlNode {
  const names = label(
    'Partner Center Co-sell',
    'Co-venda do Partner Center',
    'Venta conjunta de Partner Center',
  );
  const description = label(
    'Keeps Dynamics 365 opportunities and Microsoft Partner Center co-sell referrals in sync.',
    'Mantém as oportunidades do Dynamics 365 e as indicações de co-venda do Microsoft Partner Center sincronizadas.',
    'Mantiene sincronizadas las oportunidades de Dynamics 365 y las referencias de venta conjunta de Microsoft Partner Center.',
  );
  const publisherName = label('Partner co-sell', 'Co-venda de parceiros', 'Venta conjunta de partners');
  return el(
    'ImportExportXml',
    {
      version: '9.2.0.0',
      SolutionPackageVersion: '9.2',
      languagecode: 1033,
      generatedBy: 'CrmLive',
      ...XSI_NS,
    },
    [
      el('SolutionManifest', [
        leaf('UniqueName', SOLUTION_UNIQUE_NAME),
        labelList('LocalizedNames', 'LocalizedName', names),
        labelList('Descriptions', 'Description', description),
        leaf('Version', version),
        leaf('Managed', managed),
        el('Publisher', [
          leaf('UniqueName', PUBLISHER.uniqueName),
          labelList('LocalizedNames', 'LocalizedName', publisherName),
          labelList('Descriptions', 'Description', publisherName),
          nil('EMailAddress'),
          nil('SupportingWebsiteUrl'),
          leaf('CustomizationPrefix', PUBLISHER.prefix),
          leaf('CustomizationOptionValuePrefix', PUBLISHER.optionValuePrefix),
          el('Addresses', [address(1), address(2)]),
        ]),
        el(
          'RootComponents',
          roots.map((r) =>
            el('RootComponent', {
              type: r.type,
              schemaName: r.schemaName,
              id: r.id === undefined ? undefined : braced(r.id),
              behavior: r.behavior,
            }),
          ),
        ),
        el('MissingDependencies'),
      ]),
    ],
  );
}

/** Sections of customizations.xml in XSD sequence order; the packer fills them from the unpacked files. */
export const CUSTOMIZATION_SECTIONS = [
  'Entities',
  'Roles',
  'Workflows',
  'FieldSecurityProfiles',
  'Templates',
  'EntityMaps',
  'EntityRelationships',
  'OrganizationSettings',
  'optionsets',
  'WebResources',
  'CustomControls',
  'SolutionPluginAssemblies',
  'EntityDataProviders',
] as const;

/** `Other/Customizations.xml`: the skeleton with empty sections, as `pac solution unpack` writes it. */
export function renderCustomizationsSkeleton(): XmlNode {
  return el('ImportExportXml', XSI_NS, [
    ...CUSTOMIZATION_SECTIONS.map((s) => el(s)),
    el(
      'Languages',
      LANGUAGES.map((l) => leaf('Language', l)),
    ),
  ]);
}
