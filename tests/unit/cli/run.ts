// Run the CLI in-process the way bin/cosell.js does, capturing output and exit code.
import { main } from '../../../Relay/cli/main';
import { captureIo } from '../../../Relay/cli/io';

export async function cosell(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err, json: () => JSON.parse(io.out) as unknown };
}
