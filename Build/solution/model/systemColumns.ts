/**
 * Platform columns of a user-owned custom table, in the shape of the Microsoft polymorphic-lookup sample
 * export (microsoft/PowerApps-Samples polymorphiclookupexamplesolution.zip, table sample_Book; copy in
 * tests/fixtures/solutions/).
 * The platform creates them; real exports list them, so a hand-written table does too.
 */
import { SystemColumns } from '../../../Domain/constants';
import { label, type Labels } from './labels';

export interface SystemColumnDef {
  physicalName: string;
  logicalName: string;
  type: 'lookup' | 'datetime' | 'int' | 'owner' | 'state' | 'status';
  requiredLevel: 'none' | 'systemrequired';
  displayMask?: string;
  imeMode: string;
  validFor: { update: 0 | 1; read: 1; create: 0 | 1 };
  audit: 0 | 1;
  logical?: true;
  filterable: 0 | 1;
  retrievable: 0 | 1;
  /** int: min/max; datetime: format; owner: lookup types 8 (user) and 9 (team). */
  int?: { min: number; max: number };
  datetimeFormat?: 'date' | 'datetime';
  displayName: Labels;
  description: Labels;
}

const ALL = 'ValidForAdvancedFind|ValidForForm|ValidForGrid';
const readOnly = { update: 0, read: 1, create: 0 } as const;
const createOnly = { update: 0, read: 1, create: 1 } as const;
const writable = { update: 1, read: 1, create: 1 } as const;

export const systemColumns: SystemColumnDef[] = [
  {
    physicalName: 'CreatedBy',
    logicalName: SystemColumns.createdBy,
    type: 'lookup',
    requiredLevel: 'none',
    displayMask: ALL,
    imeMode: 'auto',
    validFor: readOnly,
    audit: 0,
    filterable: 0,
    retrievable: 0,
    displayName: label('Created By', 'Criado Por', 'Creado por'),
    description: label(
      'Unique identifier of the user who created the record.',
      'Identificador exclusivo do usuário que criou o registro.',
      'Identificador único del usuario que creó el registro.',
    ),
  },
  {
    physicalName: 'CreatedOn',
    logicalName: SystemColumns.createdOn,
    type: 'datetime',
    requiredLevel: 'none',
    displayMask: ALL,
    imeMode: 'inactive',
    validFor: readOnly,
    audit: 0,
    filterable: 1,
    retrievable: 1,
    datetimeFormat: 'datetime',
    displayName: label('Created On', 'Criado Em', 'Fecha de creación'),
    description: label(
      'Date and time when the record was created.',
      'Data e hora em que o registro foi criado.',
      'Fecha y hora de creación del registro.',
    ),
  },
  {
    physicalName: 'CreatedOnBehalfBy',
    logicalName: SystemColumns.createdOnBehalfBy,
    type: 'lookup',
    requiredLevel: 'none',
    displayMask: ALL,
    imeMode: 'auto',
    validFor: readOnly,
    audit: 0,
    filterable: 0,
    retrievable: 0,
    displayName: label('Created By (Delegate)', 'Criado Por (Representante)', 'Creado por (delegado)'),
    description: label(
      'Unique identifier of the delegate user who created the record.',
      'Identificador exclusivo do usuário representante que criou o registro.',
      'Identificador único del usuario delegado que creó el registro.',
    ),
  },
  {
    physicalName: 'ImportSequenceNumber',
    logicalName: SystemColumns.importSequenceNumber,
    type: 'int',
    requiredLevel: 'none',
    displayMask: 'ValidForAdvancedFind',
    imeMode: 'disabled',
    validFor: createOnly,
    audit: 1,
    filterable: 0,
    retrievable: 0,
    int: { min: -2147483648, max: 2147483647 },
    displayName: label(
      'Import Sequence Number',
      'Número de Sequência de Importação',
      'Número de secuencia de importación',
    ),
    description: label(
      'Sequence number of the import that created this record.',
      'Número de sequência da importação que criou este registro.',
      'Número de secuencia de la importación que creó este registro.',
    ),
  },
  {
    physicalName: 'ModifiedBy',
    logicalName: SystemColumns.modifiedBy,
    type: 'lookup',
    requiredLevel: 'none',
    displayMask: ALL,
    imeMode: 'auto',
    validFor: readOnly,
    audit: 0,
    filterable: 0,
    retrievable: 0,
    displayName: label('Modified By', 'Modificado Por', 'Modificado por'),
    description: label(
      'Unique identifier of the user who modified the record.',
      'Identificador exclusivo do usuário que modificou o registro.',
      'Identificador único del usuario que modificó el registro.',
    ),
  },
  {
    physicalName: 'ModifiedOn',
    logicalName: SystemColumns.modifiedOn,
    type: 'datetime',
    requiredLevel: 'none',
    displayMask: ALL,
    imeMode: 'inactive',
    validFor: readOnly,
    audit: 0,
    filterable: 1,
    retrievable: 1,
    datetimeFormat: 'datetime',
    displayName: label('Modified On', 'Modificado Em', 'Fecha de modificación'),
    description: label(
      'Date and time when the record was modified.',
      'Data e hora em que o registro foi modificado.',
      'Fecha y hora de modificación del registro.',
    ),
  },
  {
    physicalName: 'ModifiedOnBehalfBy',
    logicalName: SystemColumns.modifiedOnBehalfBy,
    type: 'lookup',
    requiredLevel: 'none',
    displayMask: ALL,
    imeMode: 'auto',
    validFor: readOnly,
    audit: 0,
    filterable: 0,
    retrievable: 0,
    displayName: label(
      'Modified By (Delegate)',
      'Modificado Por (Representante)',
      'Modificado por (delegado)',
    ),
    description: label(
      'Unique identifier of the delegate user who modified the record.',
      'Identificador exclusivo do usuário representante que modificou o registro.',
      'Identificador único del usuario delegado que modificó el registro.',
    ),
  },
  {
    physicalName: 'OverriddenCreatedOn',
    logicalName: SystemColumns.overriddenCreatedOn,
    type: 'datetime',
    requiredLevel: 'none',
    displayMask: 'ValidForAdvancedFind|ValidForGrid',
    imeMode: 'inactive',
    validFor: createOnly,
    audit: 1,
    filterable: 0,
    retrievable: 0,
    datetimeFormat: 'date',
    displayName: label('Record Created On', 'Registro Criado Em', 'Registro creado el'),
    description: label(
      'Date and time that the record was migrated.',
      'Data e hora em que o registro foi migrado.',
      'Fecha y hora en que se migró el registro.',
    ),
  },
  {
    physicalName: 'OwnerId',
    logicalName: SystemColumns.ownerId,
    type: 'owner',
    requiredLevel: 'systemrequired',
    displayMask: `${ALL}|RequiredForForm`,
    imeMode: 'auto',
    validFor: writable,
    audit: 1,
    filterable: 1,
    retrievable: 0,
    displayName: label('Owner', 'Proprietário', 'Propietario'),
    description: label('Owner Id', 'ID do Proprietário', 'Id. del propietario'),
  },
  {
    physicalName: 'OwningBusinessUnit',
    logicalName: SystemColumns.owningBusinessUnit,
    type: 'lookup',
    requiredLevel: 'none',
    displayMask: ALL,
    imeMode: 'auto',
    validFor: readOnly,
    audit: 1,
    filterable: 1,
    retrievable: 0,
    displayName: label(
      'Owning Business Unit',
      'Unidade de Negócios Proprietária',
      'Unidad de negocio propietaria',
    ),
    description: label(
      'Unique identifier for the business unit that owns the record',
      'Identificador exclusivo da unidade de negócios que possui o registro',
      'Identificador único de la unidad de negocio propietaria del registro',
    ),
  },
  {
    physicalName: 'OwningTeam',
    logicalName: SystemColumns.owningTeam,
    type: 'lookup',
    requiredLevel: 'none',
    imeMode: 'auto',
    validFor: readOnly,
    audit: 0,
    logical: true,
    filterable: 0,
    retrievable: 0,
    displayName: label('Owning Team', 'Equipe Proprietária', 'Equipo propietario'),
    description: label(
      'Unique identifier for the team that owns the record.',
      'Identificador exclusivo da equipe que possui o registro.',
      'Identificador único del equipo propietario del registro.',
    ),
  },
  {
    physicalName: 'OwningUser',
    logicalName: SystemColumns.owningUser,
    type: 'lookup',
    requiredLevel: 'none',
    imeMode: 'auto',
    validFor: readOnly,
    audit: 0,
    logical: true,
    filterable: 0,
    retrievable: 0,
    displayName: label('Owning User', 'Usuário Proprietário', 'Usuario propietario'),
    description: label(
      'Unique identifier for the user that owns the record.',
      'Identificador exclusivo do usuário que possui o registro.',
      'Identificador único del usuario propietario del registro.',
    ),
  },
  {
    physicalName: 'statecode',
    logicalName: SystemColumns.stateCode,
    type: 'state',
    requiredLevel: 'systemrequired',
    displayMask: ALL,
    imeMode: 'auto',
    validFor: { update: 1, read: 1, create: 0 },
    audit: 1,
    filterable: 1,
    retrievable: 0,
    displayName: label('Status', 'Status', 'Estado'),
    description: label('Status of the record', 'Status do registro', 'Estado del registro'),
  },
  {
    physicalName: 'statuscode',
    logicalName: SystemColumns.statusCode,
    type: 'status',
    requiredLevel: 'none',
    displayMask: ALL,
    imeMode: 'auto',
    validFor: writable,
    audit: 1,
    filterable: 0,
    retrievable: 0,
    displayName: label('Status Reason', 'Razão do Status', 'Razón para el estado'),
    description: label(
      'Reason for the status of the record',
      'Razão do status do registro',
      'Razón del estado del registro',
    ),
  },
  {
    physicalName: 'TimeZoneRuleVersionNumber',
    logicalName: SystemColumns.timeZoneRuleVersionNumber,
    type: 'int',
    requiredLevel: 'none',
    imeMode: 'auto',
    validFor: writable,
    audit: 0,
    filterable: 0,
    retrievable: 0,
    int: { min: -1, max: 2147483647 },
    displayName: label(
      'Time Zone Rule Version Number',
      'Número de Versão da Regra de Fuso Horário',
      'Número de versión de regla de zona horaria',
    ),
    description: label('For internal use only.', 'Somente para uso interno.', 'Solo para uso interno.'),
  },
  {
    physicalName: 'UTCConversionTimeZoneCode',
    logicalName: SystemColumns.utcConversionTimeZoneCode,
    type: 'int',
    requiredLevel: 'none',
    imeMode: 'auto',
    validFor: writable,
    audit: 0,
    filterable: 0,
    retrievable: 0,
    int: { min: -1, max: 2147483647 },
    displayName: label(
      'UTC Conversion Time Zone Code',
      'Código de Fuso Horário de Conversão UTC',
      'Código de zona horaria de conversión UTC',
    ),
    description: label(
      'Time zone code that was in use when the record was created.',
      'Código de fuso horário em uso quando o registro foi criado.',
      'Código de zona horaria en uso cuando se creó el registro.',
    ),
  },
];

/** statecode/statuscode option labels (Active/Inactive) as in the sample export. */
export const STATE_LABELS = {
  active: label('Active', 'Ativo', 'Activo'),
  inactive: label('Inactive', 'Inativo', 'Inactivo'),
};
