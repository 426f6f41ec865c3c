/**
 * `cosell relay` with COSELL_SANDBOX=true runs against `cosell simulate …` on loopback: its clients
 * need no Entra ID credentials, present the relay's application identity to the Dataverse simulator
 * and reach the Partner Center simulator at the configured base URLs.
 */
import { loadConfig } from '../../../Relay/config/config';
import { createClients, SANDBOX_RELAY_OBJECT_ID } from '../../../Relay/server/clients';
import { startDataverseSimulator } from '../../../DevStack/simulators/dataverse';
import { startPartnerCenterSimulator } from '../../../DevStack/simulators/partnercenter';
import { closeAfterAll } from '../../testkit/cleanup';

describe('the relay clients in sandbox mode', () => {
  it('work against the simulators without credentials', async () => {
    const dataverse = await startDataverseSimulator({ port: 0 });
    closeAfterAll(() => dataverse.close());
    const partnerCenter = await startPartnerCenterSimulator({ port: 0 });
    closeAfterAll(() => partnerCenter.close());
    const config = loadConfig({
      COSELL_SANDBOX: 'true',
      COSELL_DATAVERSE_URL: dataverse.url,
      COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(40),
      COSELL_PC_BASE_URL: partnerCenter.url,
      COSELL_PC_WEBHOOK_BASE_URL: partnerCenter.url,
      COSELL_PC_CERT_HOSTS: new URL(partnerCenter.certificateUrl).host,
    });

    const clients = createClients(config);

    const { UserId } = await clients.dataverse.whoAmI();
    const user = await clients.dataverse.retrieve('systemusers', UserId);
    expect(user.azureactivedirectoryobjectid).toBe(SANDBOX_RELAY_OBJECT_ID);
    expect(user.applicationid).toBe('cosell-relay');
    partnerCenter.referrals.createIncoming({ name: 'Seen by the sandbox relay' });
    const referrals = await clients.partnerCenter.listReferrals({ top: 5 });
    expect(referrals.map((r) => r.name)).toContain('Seen by the sandbox relay');
  });

  it('outside sandbox mode still demand the relay’s Entra app registration', () => {
    const config = loadConfig({
      COSELL_DATAVERSE_URL: 'https://contoso.crm.dynamics.com',
      COSELL_DATAVERSE_WEBHOOK_KEY: 'k'.repeat(40),
    });
    expect(() => createClients(config)).toThrow(/COSELL_DATAVERSE_CLIENT_ID is not set/);
  });
});
