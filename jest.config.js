// Two projects: Node for everything server-side, jsdom for browser code (files named *.dom.test.ts[x]).
// ts-jest only transpiles (isolatedModules); `npm run typecheck` is the type gate. (We avoid @swc/jest
// and jest 30: their native optional packages are not all served by our registry, which breaks `npm ci`.)
const tsJest = [
  'ts-jest',
  {
    diagnostics: false,
    tsconfig: {
      isolatedModules: true,
      jsx: 'react',
      module: 'commonjs',
      moduleResolution: 'node10',
      target: 'es2022',
      esModuleInterop: true,
      allowJs: true,
      resolveJsonModule: true,
    },
  },
];

const common = {
  transform: { '^.+\\.(t|j)sx?$': tsJest },
  // ESM-only packages that must be transpiled for jest's CommonJS runtime.
  transformIgnorePatterns: ['/node_modules/(?!(@azure/msal-browser)/)'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'cjs', 'json'],
  // No-op unless TESTKIT_INJECT_FAILURE is set (tests/testkit/testsEnd.ts).
  setupFilesAfterEnv: ['<rootDir>/tests/testkit/injectFailure.ts'],
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
