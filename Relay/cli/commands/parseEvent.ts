import type { Command } from 'commander';
import { parseRemoteExecutionContext } from '../../../Domain';
import type { CliIo } from '../io';
import { parseWith, readJsonFile, reportInputError } from '../jsonInput';

/** `cosell parse-event <file.json>`: the normalized plug-in event of a RemoteExecutionContext body. */
export function registerParseEvent(program: Command, io: CliIo): void {
  program
    .command('parse-event')
    .description('print the normalized plug-in event of a Dataverse RemoteExecutionContext (webhook body)')
    .argument('<file>', 'the JSON body exactly as Dataverse posted it')
    .action((file: string) => {
      try {
        const event = parseWith(file, readJsonFile(file), parseRemoteExecutionContext);
        io.stdout(`${JSON.stringify(event, null, 2)}\n`);
      } catch (error) {
        reportInputError(io, error);
      }
    });
}
