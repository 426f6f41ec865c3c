/** The three new user-owned tables: solution rows, solution catalogue, sync events. */
import {
  EntitySets,
  MicrosoftSolutionColumns,
  ReferralAttributeColumns,
  SolutionDetailColumns,
  SyncEventColumns,
  Tables,
} from '../../../Domain/constants';
import {
  YES_NO,
  solutionDetailSourceOptions,
  referralAttributeCategoryOptions,
  solutionKindOptions,
  solutionTypeOptions,
  syncDirectionOptions,
  syncOutcomeOptions,
} from './choices';
import { label } from './labels';
import type { NewTableDef } from './types';

const nameColumn = (table: NewTableDef['logicalName'], column: string) => ({
  table,
  logicalName: column,
  type: { kind: 'text', format: 'text', maxLength: 200 } as const,
  required: 'required' as const,
  primaryName: true,
  searchable: true,
  displayName: label('Name', 'Nome', 'Nombre'),
  description: label('Name of the record.', 'Nome do registro.', 'Nombre del registro.'),
});

export const microsoftSolutionTable: NewTableDef = {
  logicalName: Tables.microsoftSolution,
  entitySetName: EntitySets.pcs_microsoftsolution,
  displayName: label('Microsoft Solution', 'Solução Microsoft', 'Solución de Microsoft'),
  pluralName: label('Microsoft Solutions', 'Soluções Microsoft', 'Soluciones de Microsoft'),
  description: label(
    'Microsoft Partner Center solutions attached to an opportunity.',
    'Soluções do Microsoft Partner Center associadas a uma oportunidade.',
    'Soluciones de Microsoft Partner Center asociadas a una oportunidad.',
  ),
  viewColumns: [MicrosoftSolutionColumns.solutionDetail, MicrosoftSolutionColumns.solutionId],
  columns: [
    nameColumn(Tables.microsoftSolution, MicrosoftSolutionColumns.name),
    {
      table: Tables.microsoftSolution,
      logicalName: MicrosoftSolutionColumns.opportunity,
      type: { kind: 'lookup', target: Tables.opportunity },
      displayName: label('Opportunity', 'Oportunidade', 'Oportunidad'),
      description: label(
        'Opportunity this solution belongs to.',
        'Oportunidade à qual esta solução pertence.',
        'Oportunidad a la que pertenece esta solución.',
      ),
    },
    {
      table: Tables.microsoftSolution,
      logicalName: MicrosoftSolutionColumns.solutionDetail,
      type: { kind: 'lookup', target: Tables.solutionDetail },
      displayName: label('Solution detail', 'Detalhe da solução', 'Detalle de la solución'),
      description: label(
        'Catalogue entry of the solution.',
        'Entrada do catálogo da solução.',
        'Entrada del catálogo de la solución.',
      ),
    },
    {
      table: Tables.microsoftSolution,
      logicalName: MicrosoftSolutionColumns.solutionId,
      type: { kind: 'text', format: 'text', maxLength: 100 },
      searchable: true,
      displayName: label('Solution ID', 'ID da solução', 'Id. de la solución'),
      description: label(
        'Partner Center solution ID. Copied from the catalogue entry by the sync service when one is chosen.',
        'ID da solução no Partner Center. Copiado da entrada do catálogo pelo serviço de sincronização quando uma é escolhida.',
        'Id. de la solución en Partner Center. Lo copia el servicio de sincronización de la entrada del catálogo cuando se elige una.',
      ),
    },
    {
      table: Tables.microsoftSolution,
      logicalName: MicrosoftSolutionColumns.publisherName,
      type: { kind: 'text', format: 'text', maxLength: 200 },
      displayName: label('Publisher name', 'Nome do editor', 'Nombre del editor'),
      description: label(
        'Publisher of the solution, sent to Partner Center. Copied from the catalogue entry by the sync service.',
        'Editor da solução, enviado ao Partner Center. Copiado da entrada do catálogo pelo serviço de sincronização.',
        'Editor de la solución, enviado a Partner Center. Lo copia el servicio de sincronización de la entrada del catálogo.',
      ),
    },
  ],
};

export const solutionDetailTable: NewTableDef = {
  logicalName: Tables.solutionDetail,
  entitySetName: EntitySets.pcs_solutiondetail,
  displayName: label(
    'Microsoft Solution Detail',
    'Detalhe de Solução Microsoft',
    'Detalle de solución de Microsoft',
  ),
  pluralName: label(
    'Microsoft Solution Details',
    'Detalhes de Soluções Microsoft',
    'Detalles de soluciones de Microsoft',
  ),
  description: label(
    'Catalogue of the solutions published in Microsoft Partner Center.',
    'Catálogo das soluções publicadas no Microsoft Partner Center.',
    'Catálogo de las soluciones publicadas en Microsoft Partner Center.',
  ),
  viewColumns: [
    SolutionDetailColumns.solutionId,
    SolutionDetailColumns.publisherName,
    SolutionDetailColumns.solutionType,
    SolutionDetailColumns.isActive,
    SolutionDetailColumns.source,
  ],
  alternateKey: {
    logicalName: 'pcs_solutiondetail_solutionid_key',
    column: SolutionDetailColumns.solutionId,
    displayName: label('Solution ID key', 'Chave do ID da solução', 'Clave del id. de la solución'),
  },
  columns: [
    nameColumn(Tables.solutionDetail, SolutionDetailColumns.name),
    {
      table: Tables.solutionDetail,
      logicalName: SolutionDetailColumns.solutionId,
      type: { kind: 'text', format: 'text', maxLength: 100 },
      required: 'required',
      searchable: true,
      displayName: label('Solution ID', 'ID da solução', 'Id. de la solución'),
      description: label(
        'Partner Center solution ID (unique).',
        'ID da solução no Partner Center (único).',
        'Id. de la solución en Partner Center (único).',
      ),
    },
    {
      table: Tables.solutionDetail,
      logicalName: SolutionDetailColumns.publisherName,
      type: { kind: 'text', format: 'text', maxLength: 200 },
      displayName: label('Publisher name', 'Nome do editor', 'Nombre del editor'),
      description: label(
        'Company that publishes the solution.',
        'Empresa que publica a solução.',
        'Empresa que publica la solución.',
      ),
    },
    {
      table: Tables.solutionDetail,
      logicalName: SolutionDetailColumns.solutionType,
      type: { kind: 'choice', options: solutionTypeOptions },
      displayName: label('Solution type', 'Tipo de solução', 'Tipo de solución'),
      description: label(
        'How Partner Center classifies the solution.',
        'Como o Partner Center classifica a solução.',
        'Cómo clasifica Partner Center la solución.',
      ),
    },
    {
      table: Tables.solutionDetail,
      logicalName: SolutionDetailColumns.isActive,
      type: { kind: 'bit', defaultValue: 1, ...YES_NO },
      displayName: label('Is active', 'Está ativo', 'Está activo'),
      description: label(
        'Yes: sellers can pick the solution (the lookup lists only these); No: it stays on the deals that have it.',
        'Sim: os vendedores podem escolher a solução (a pesquisa lista apenas estas); Não: ela permanece nos negócios que já a têm.',
        'Sí: los vendedores pueden elegir la solución (la búsqueda muestra solo estas); No: se mantiene en las operaciones que ya la tienen.',
      ),
    },
    {
      table: Tables.solutionDetail,
      logicalName: SolutionDetailColumns.source,
      type: {
        kind: 'choice',
        options: solutionDetailSourceOptions,
        defaultValue: solutionDetailSourceOptions[0]!.value,
      },
      displayName: label('Source', 'Origem', 'Origen'),
      description: label(
        'Catalogue: maintained by an administrator. From Partner Center: added by the sync service for a solution a referral named that the catalogue did not have yet.',
        'Catálogo: mantido por um administrador. Do Partner Center: adicionado pelo serviço de sincronização para uma solução citada por uma indicação que ainda não estava no catálogo.',
        'Catálogo: lo mantiene un administrador. Desde Partner Center: lo agregó el servicio de sincronización para una solución que una referencia mencionaba y que el catálogo aún no tenía.',
      ),
    },
    {
      table: Tables.solutionDetail,
      logicalName: SolutionDetailColumns.solutionKind,
      type: { kind: 'choice', options: solutionKindOptions },
      displayName: label(
        'Co-sell solution kind',
        'Tipo de solução de co-venda',
        'Tipo de solución de venta conjunta',
      ),
      description: label(
        'IP or Services co-sell solution, as published in Partner Center. A co-sell referral with a Services solution needs solution area, solution play and partner role.',
        'Solução de co-venda de IP ou de serviços, conforme publicada no Partner Center. Uma indicação de co-venda com uma solução de serviços precisa de área de solução, cenário de solução e função do parceiro.',
        'Solución de venta conjunta de IP o de servicios, tal como está publicada en Partner Center. Una referencia de venta conjunta con una solución de servicios necesita área de solución, escenario de solución y rol del partner.',
      ),
    },
  ],
};

export const syncEventTable: NewTableDef = {
  logicalName: Tables.syncEvent,
  entitySetName: EntitySets.pcs_syncevent,
  displayName: label('Sync Event', 'Evento de Sincronização', 'Evento de sincronización'),
  pluralName: label('Sync Events', 'Eventos de Sincronização', 'Eventos de sincronización'),
  description: label(
    'One row per attempt to sync a record with Partner Center.',
    'Uma linha por tentativa de sincronizar um registro com o Partner Center.',
    'Una fila por cada intento de sincronizar un registro con Partner Center.',
  ),
  viewColumns: [
    SyncEventColumns.occurredOn,
    SyncEventColumns.direction,
    SyncEventColumns.outcome,
    SyncEventColumns.message,
  ],
  columns: [
    nameColumn(Tables.syncEvent, SyncEventColumns.name),
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.opportunity,
      type: { kind: 'lookup', target: Tables.opportunity },
      displayName: label('Opportunity', 'Oportunidade', 'Oportunidad'),
      description: label(
        'Opportunity that was synced.',
        'Oportunidade sincronizada.',
        'Oportunidad sincronizada.',
      ),
    },
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.lead,
      type: { kind: 'lookup', target: Tables.lead },
      displayName: label('Lead', 'Cliente potencial', 'Cliente potencial'),
      description: label(
        'Lead that was synced.',
        'Cliente potencial sincronizado.',
        'Cliente potencial sincronizado.',
      ),
    },
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.direction,
      type: { kind: 'choice', options: syncDirectionOptions },
      displayName: label('Direction', 'Direção', 'Dirección'),
      description: label(
        'Which way the change travelled.',
        'Em que sentido a alteração foi enviada.',
        'En qué sentido viajó el cambio.',
      ),
    },
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.outcome,
      type: { kind: 'choice', options: syncOutcomeOptions },
      displayName: label('Outcome', 'Resultado', 'Resultado'),
      description: label('Result of the attempt.', 'Resultado da tentativa.', 'Resultado del intento.'),
    },
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.message,
      type: { kind: 'memo', maxLength: 4000 },
      displayName: label('Message', 'Mensagem', 'Mensaje'),
      description: label(
        'What happened, or why it failed.',
        'O que aconteceu ou por que falhou.',
        'Qué ocurrió o por qué falló.',
      ),
    },
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.referralId,
      type: { kind: 'text', format: 'text', maxLength: 100 },
      searchable: true,
      displayName: label('Referral ID', 'ID da indicação', 'Id. de referencia'),
      description: label(
        'Partner Center referral ID.',
        'ID da indicação no Partner Center.',
        'Id. de la referencia en Partner Center.',
      ),
    },
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.correlationId,
      type: { kind: 'text', format: 'text', maxLength: 100 },
      searchable: true,
      displayName: label('Correlation ID', 'ID de correlação', 'Id. de correlación'),
      description: label(
        'Correlation ID shared with the relay logs.',
        'ID de correlação compartilhado com os logs do relay.',
        'Id. de correlación compartido con los registros del relé.',
      ),
    },
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.occurredOn,
      type: { kind: 'datetime', format: 'datetime' },
      displayName: label('Occurred on', 'Ocorreu em', 'Ocurrió el'),
      description: label(
        'When the attempt happened.',
        'Quando a tentativa ocorreu.',
        'Cuándo ocurrió el intento.',
      ),
    },
    {
      table: Tables.syncEvent,
      logicalName: SyncEventColumns.changes,
      type: { kind: 'memo', maxLength: 100000 },
      displayName: label('Changes', 'Alterações', 'Cambios'),
      description: label(
        'The fields that changed, as JSON.',
        'Os campos alterados, em JSON.',
        'Los campos que cambiaron, en JSON.',
      ),
    },
  ],
};

/**
 * Catalogue of the values Partner Center's FY26 referral fields take (solution area, solution play,
 * partner role). Microsoft publishes no value ids, so admins keep them here, as they keep the
 * solution catalogue: no release is needed when the taxonomy changes.
 */
export const referralAttributeTable: NewTableDef = {
  logicalName: Tables.referralAttribute,
  entitySetName: EntitySets.pcs_referralattribute,
  displayName: label('Referral Attribute', 'Atributo de Indicação', 'Atributo de referencia'),
  pluralName: label('Referral Attributes', 'Atributos de Indicação', 'Atributos de referencia'),
  description: label(
    'Solution areas, solution plays and partner roles a co-sell referral can name in Partner Center.',
    'Áreas de solução, cenários de solução e funções do parceiro que uma indicação de co-venda pode informar no Partner Center.',
    'Áreas de solución, escenarios de solución y roles del partner que una referencia de venta conjunta puede indicar en Partner Center.',
  ),
  viewColumns: [
    ReferralAttributeColumns.category,
    ReferralAttributeColumns.code,
    ReferralAttributeColumns.isActive,
  ],
  columns: [
    nameColumn(Tables.referralAttribute, ReferralAttributeColumns.name),
    {
      table: Tables.referralAttribute,
      logicalName: ReferralAttributeColumns.category,
      type: { kind: 'choice', options: referralAttributeCategoryOptions },
      required: 'required',
      displayName: label('Category', 'Categoria', 'Categoría'),
      description: label(
        'The referral field this value belongs to.',
        'O campo da indicação ao qual este valor pertence.',
        'El campo de la referencia al que pertenece este valor.',
      ),
    },
    {
      table: Tables.referralAttribute,
      logicalName: ReferralAttributeColumns.code,
      type: { kind: 'text', format: 'text', maxLength: 200 },
      required: 'required',
      searchable: true,
      displayName: label('Partner Center ID', 'ID no Partner Center', 'Id. en Partner Center'),
      description: label(
        'The value Partner Center receives for this choice (the attribute id).',
        'O valor que o Partner Center recebe para esta opção (o id do atributo).',
        'El valor que recibe Partner Center para esta opción (el id. del atributo).',
      ),
    },
    {
      table: Tables.referralAttribute,
      logicalName: ReferralAttributeColumns.isActive,
      type: { kind: 'bit', defaultValue: 1, ...YES_NO },
      displayName: label('Is active', 'Está ativo', 'Está activo'),
      description: label(
        'Whether sellers can still choose this value.',
        'Se os vendedores ainda podem escolher este valor.',
        'Indica si los vendedores todavía pueden elegir este valor.',
      ),
    },
  ],
};

export const newTables: NewTableDef[] = [
  microsoftSolutionTable,
  solutionDetailTable,
  syncEventTable,
  referralAttributeTable,
];
