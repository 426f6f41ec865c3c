// `npm run test:unit`: the fast inner loop. Unit tests only, without a build step: the files below
// read or produce the build output (out/, dist/), so they run in `npm test`, which builds first.
const base = require('./jest.config');

const NEEDS_BUILD = [
  'tests/unit/dataverse/simulator.test.ts', // imports dist/…_managed.zip
  'tests/unit/dataverse/security.test.ts', // imports dist/…_managed.zip to check our roles
  'tests/unit/solution/dist.test.ts', // checks the zips in dist/
  'tests/unit/pcf/bundle.test.ts', // reads out/controls/…/bundle.js (builds it when missing)
  'tests/unit/webresources/bundle.test.ts', // builds out/webresources/opportunityform.js
  'tests/unit/webresources/relayAuthBundle.test.ts', // builds out/webresources/relayauth.js
];
const escapeRegExp = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  projects: base.projects.map((project) => ({
    ...project,
    testMatch: project.testMatch.map((glob) => glob.replace('<rootDir>/tests/', '<rootDir>/tests/unit/')),
    testPathIgnorePatterns: [
      ...(project.testPathIgnorePatterns ?? ['/node_modules/']),
      ...NEEDS_BUILD.map((file) => `<rootDir>/${escapeRegExp(file)}$`),
    ],
  })),
};
