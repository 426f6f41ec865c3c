/**
 * The environment variables the form and the relay read: pcs_RelayBaseUrl must be this relay's public
 * URL (the form's Sync now and Accept call it), pcs_RelayClientId must name the relay API's app.
 */
import { EnvironmentVariables } from '../../../Domain/constants';
import type { DoctorCheck } from '../check';
import { fail, pass } from '../check';

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export const environmentVariables: DoctorCheck = {
  id: 'environment-variables',
  title: 'Environment variable values',
  async run({ config, dataverse }) {
    const problems: string[] = [];
    const baseUrl = await dataverse.getEnvironmentVariable(EnvironmentVariables.relayBaseUrl);
    const publicUrl = config.publicUrl ? trimSlash(config.publicUrl) : null;
    if (!baseUrl) problems.push(`${EnvironmentVariables.relayBaseUrl} is empty`);
    else if (publicUrl && trimSlash(baseUrl) !== publicUrl)
      problems.push(`${EnvironmentVariables.relayBaseUrl} is ${baseUrl}, not this relay (${publicUrl})`);
    const clientId = await dataverse.getEnvironmentVariable(EnvironmentVariables.relayClientId);
    if (!clientId) problems.push(`${EnvironmentVariables.relayClientId} is empty`);
    if (problems.length)
      return fail(
        problems.join('; '),
        'run `cosell setup --relay-url <public URL> --relay-client-id <relay API app id>`',
      );
    return pass(
      `${EnvironmentVariables.relayBaseUrl} = ${baseUrl}, ${EnvironmentVariables.relayClientId} = ${clientId}`,
    );
  },
};
