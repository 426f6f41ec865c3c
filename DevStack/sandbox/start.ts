/**
 * `npm start` (after `npm run build`): the sandbox on 127.0.0.1 until Ctrl-C, with the demo form.
 * State stays in `.sandbox/`; `--reset` starts over.
 */
import { sandboxExtra as demoForm } from '../demo/sandboxExtra';
import { startSandbox } from './sandbox';
import { welcomeText } from './welcome';

async function main(): Promise<void> {
  const sandbox = await startSandbox({ reset: process.argv.includes('--reset'), extras: [demoForm] });
  process.stdout.write(welcomeText(sandbox));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the sandbox…\n');
    await sandbox.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`sandbox failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
