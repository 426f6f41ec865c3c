/**
 * The field map the form checks against: the default map with the environment variable overrides.
 * A map customized in the PCF control's static `fieldMap` property lives in that control's form config,
 * which form scripts cannot read; the control and the relay apply it.
 */
import { EnvironmentVariables } from '../../Domain/constants';
import { applyOverrides, DEFAULT_FIELD_MAP, type FieldMap } from '../../Domain/fieldMap';
import type { WebApiReader } from '../../Domain/webApi';
import { readEnvironmentVariable } from '../relayClient/environment';

export async function loadFieldMap(reader: WebApiReader): Promise<FieldMap> {
  const [dealValueFieldName, countryCodeFieldName] = await Promise.all([
    readEnvironmentVariable(reader, EnvironmentVariables.dealValueFieldName),
    readEnvironmentVariable(reader, EnvironmentVariables.countryCodeFieldName),
  ]);
  return applyOverrides(DEFAULT_FIELD_MAP, { dealValueFieldName, countryCodeFieldName });
}
