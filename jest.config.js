// Two projects: Node for everything server-side, jsdom for browser code (files named *.dom.test.ts[x]).
// @swc/jest strips types only; `npm run typecheck` is the type gate.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'classic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  transform: { '^.+\\.(t|j)sx?$': swc },
  // ESM-only packages that must be transpiled for jest's CommonJS runtime.
  transformIgnorePatterns: ['/node_modules/(?!(@azure/msal-browser)/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'cjs', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...common,
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.dom\\.test\\.tsx?$', '/node_modules/'],
    },
    {
      ...common,
      displayName: 'dom',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/tests/**/*.dom.test.ts?(x)'],
    },
  ],
};
