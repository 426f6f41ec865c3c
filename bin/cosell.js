#!/usr/bin/env node
// The `cosell` CLI runs the TypeScript sources through tsx, so a fresh `npm ci` needs no build step.
require('tsx/cjs');
require('../Relay/cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
