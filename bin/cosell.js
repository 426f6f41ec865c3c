#!/usr/bin/env node
// The `cosell` CLI runs the TypeScript sources through tsx, so a fresh `npm ci` needs no build step.
require('tsx/cjs');

// The development stack (simulators, sandbox, demo) is loaded only for `cosell simulate`, and is
// absent from a production install; this file is the one place that names it.
const simulate = {
  name: 'simulate',
  description: 'run a local simulator on 127.0.0.1 (development stack)',
  async load() {
    try {
      return require('../DevStack/cli/simulate.ts').registerSimulate;
    } catch (error) {
      if (error && error.code === 'MODULE_NOT_FOUND' && /DevStack/.test(error.message))
        throw new Error(
          'the development stack (DevStack/) is not part of this installation; use a clone of the repository',
        );
      throw error;
    }
  },
};

require('../Relay/cli/main.ts')
  .main(process.argv.slice(2), undefined, [simulate])
  .then((code) => {
    process.exitCode = code;
  });
