/** Layer rules of the hexagon (DESIGN.md "Layers"); `npm run lint` fails when one is broken. */
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-no-framework',
      comment: 'src/domain imports no framework or library: only node: built-ins and itself.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { dependencyTypesNot: ['core', 'local', 'type-only'] },
    },
    {
      name: 'domain-stays-inside',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: '^src/(application|adapters|config)|^src/[^/]+\\.ts$' },
    },
    {
      name: 'application-uses-ports-not-adapters',
      severity: 'error',
      from: { path: '^src/application' },
      to: { path: '^src/adapters' },
    },
    {
      name: 'application-imports-only-nest-common',
      comment: 'Use cases may use @Injectable() and nothing else from outside.',
      severity: 'error',
      from: { path: '^src/application' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled'], pathNot: '^node_modules/@nestjs/common' },
    },
    {
      name: 'adapters-do-not-import-each-other-across-directions',
      comment: 'Outbound adapters never depend on inbound ones.',
      severity: 'error',
      from: { path: '^src/adapters/outbound' },
      to: { path: '^src/adapters/inbound' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.build.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.spec\\.ts$' },
  },
};
