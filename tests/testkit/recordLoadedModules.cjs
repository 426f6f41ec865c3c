// Preloaded with `node -r` into a CLI process: on exit, writes every loaded module's path (one per
// line) to the file named by RECORD_LOADED_MODULES, so a test can see what a command pulled in.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(process.env.RECORD_LOADED_MODULES, Object.keys(require.cache).join('\n'));
});
