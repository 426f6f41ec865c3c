/**
 * The Dataverse simulator with our built managed solution imported, and the relay's Web API client
 * on it acting as the relay's application user. Closed after the test file.
 */
import { readFileSync } from 'node:fs';
import { createDataverseClient, staticTokenProvider } from '../../Relay/dataverse';
import type { DataverseClient } from '../../Relay/dataverse';
import { findManagedZip } from '../../DevStack/sandbox/stack';
import { startDataverseSimulator } from '../../DevStack/simulators/dataverse';
import type { DataverseSimulator } from '../../DevStack/simulators/dataverse';
import { tokenFor } from '../unit/dataverse/support';
import { closeAfterAll } from './cleanup';

export const RELAY_APP_USER = 'a11ce000-0000-4000-8000-0000000000aa';

export async function startDataverseWithSolution(): Promise<{
  simulator: DataverseSimulator;
  client: DataverseClient;
}> {
  const simulator = await startDataverseSimulator({ port: 0 });
  closeAfterAll(() => simulator.close());
  const client = createDataverseClient({
    environmentUrl: simulator.url,
    tokens: staticTokenProvider(tokenFor(RELAY_APP_USER, { appid: 'relay-app', idtyp: 'app' })),
    http: { sleep: async () => undefined },
  });
  await client.executeAction('ImportSolution', {
    CustomizationFile: readFileSync(findManagedZip()).toString('base64'),
  });
  return { simulator, client };
}
