/** What every part of the demo UI shares: the Web API client, the signed-in user and dialogs. */
import * as React from 'react';
import type { DataverseWebApi } from '../platform/webApi';
import type { Dialogs, UserInfo } from '../platform/xrm';

export interface Host {
  webApi: DataverseWebApi;
  user: UserInfo;
  dialogs: Dialogs;
  clientUrl: string;
}

export const HostContext = React.createContext<Host | null>(null);

export function useHost(): Host {
  const host = React.useContext(HostContext);
  if (!host) throw new Error('HostContext missing');
  return host;
}

/** Re-render whenever a subscribable source (the form runtime) changes. */
export function useSubscription(source: {
  subscribe(listener: () => void): () => void;
  version: number;
}): number {
  const [, setVersion] = React.useState(source.version);
  React.useEffect(() => source.subscribe(() => setVersion(source.version)), [source]);
  return source.version;
}

/** UI strings of the demo host itself (the form's own labels come from FormXml / metadata). */
const TEXT: Record<string, Record<number, string>> = {
  save: { 1033: 'Save', 1046: 'Salvar', 3082: 'Guardar' },
  refresh: { 1033: 'Refresh', 1046: 'Atualizar', 3082: 'Actualizar' },
  unsaved: { 1033: 'Unsaved changes', 1046: 'Alterações não salvas', 3082: 'Cambios sin guardar' },
  saved: { 1033: 'Saved', 1046: 'Salvo', 3082: 'Guardado' },
  opportunities: { 1033: 'Opportunities', 1046: 'Oportunidades', 3082: 'Oportunidades' },
  leads: { 1033: 'Leads', 1046: 'Clientes potenciais', 3082: 'Clientes potenciales' },
  add: { 1033: 'Add', 1046: 'Adicionar', 3082: 'Agregar' },
  remove: { 1033: 'Remove', 1046: 'Remover', 3082: 'Quitar' },
  empty: { 1033: 'No rows', 1046: 'Nenhuma linha', 3082: 'No hay filas' },
};

export const t = (key: keyof typeof TEXT & string, lcid: number): string =>
  TEXT[key]?.[lcid] ?? TEXT[key]?.[1033] ?? key;
