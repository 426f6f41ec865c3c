/**
 * Plugs the demo form into `npm start` (DevStack/sandbox/start.ts loads this file): the demo server talks
 * to the sandbox's Dataverse simulator as the sandbox seller (the simulator reads the caller from the
 * token's `oid`, without verifying it), and to the Partner Center simulator for the Microsoft panel.
 */
import { UnsecuredJWT } from 'jose';
import type { SandboxExtraStarter } from '../sandbox/sandbox';
import { startDemoServer } from './server';

export const DEMO_EXTRA_NAME = 'demo';

export const sandboxExtra: SandboxExtraStarter = async ({ endpoints }) => {
  const sellerToken = new UnsecuredJWT({ oid: endpoints.sellerObjectId, name: 'Sandbox Seller' }).encode();
  const server = await startDemoServer({
    dataverseUrl: endpoints.dataverse,
    dataverseToken: async () => sellerToken,
    partnerCenterUrl: endpoints.partnerCenter,
  });
  return { name: DEMO_EXTRA_NAME, url: server.url, close: () => server.close() };
};
