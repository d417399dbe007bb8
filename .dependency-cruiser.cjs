// Layering rules of src/, checked by `npm run lint:deps` (part of `npm run lint`, run by .ci/run).
// Every rule is an error: a forbidden import fails the build. Why each rule exists:
// docs/decisions/0011-layering-and-lint.md. Type-only imports count (tsPreCompilationDeps), except
// where a rule says otherwise: a type names a dependency just as much as a value does.

/** The folder (or file) of one adapter, as a path pattern. */
function adapter(name) {
  if (name === 'paths' || name === 'http-status' || name === 'streams') return `^src/adapters/${name}\\.ts$`;
  return `^src/adapters/${name}/`;
}

// Which other adapters each adapter may build on (besides domain, application and itself).
// An entry with a '/' names one module of that adapter, not the whole adapter.
const ADAPTERS = {
  // The SOAP core knows XML, faults and the pipeline; contracts plug into it, never the reverse.
  soap: ['paths'],
  // The contracts map payloads to use cases and back, through the SOAP core's endpoint/writer.
  contracts: ['soap'],
  // The operators' mTLS front: publishes the contracts over the SOAP core, admits by certificate.
  'operators-front': ['soap', 'contracts', 'pki', 'logging', 'paths', 'http-status'],
  // The admin HTTP API speaks JSON to the use cases; it knows nothing of SOAP, SQL or the queue.
  'admin-api': ['logging', 'http-status', 'streams'],
  // SQL repositories implement application ports; the migrations folder comes from paths.
  postgres: ['paths', 'logging'],
  // pg-boss runs in our PostgreSQL through our pool: the queue builds on the Database type only.
  queue: ['postgres/db.ts', 'logging'],
  network: [],
  // The SMTP sender of the notices' e-mails (nodemailer), decision 0022.
  mail: [],
  pki: ['paths', 'logging'],
  // Catalogue forms are checked against the contract's XSD with the one XSD compiler the SOAP
  // core uses (same libxml2 options and import resolution), not with a second one, on a document
  // parsed the way the SOAP core parses (message-tree.ts, decision 0026).
  catalogue: ['soap/schema-registry.ts', 'soap/message-tree.ts', 'paths'],
  logging: [],
  // Prometheus metrics observe the SOAP requests the operators' front answered (RequestObserver).
  observability: ['operators-front/request-policy.ts', 'logging'],
  paths: [],
  // The operators' web portal (e-SAV en ligne): HTML over the use cases, templates found through
  // paths; no SOAP, SQL or certificates (decision 0015).
  'web-portal': ['paths', 'streams'],
  // The one mapping of use-case error kinds to HTTP statuses (admin API, campaign API).
  'http-status': [],
  // Reading and dropping the rest of a request body a route stops reading early (uploads).
  streams: [],
  // Push notifications to the operators' callback endpoints: the SOAP core's writer (decision 0023).
  push: ['soap'],
};

function allowedTarget(entry) {
  if (!entry.includes('/')) return adapter(entry);
  return `^src/adapters/${entry.replace(/\./g, '\\.')}$`;
}

const adapterRules = Object.entries(ADAPTERS).map(([name, allowed]) => ({
  name: `adapter-${name}`,
  comment: `src/adapters/${name} may use only these other adapters: ${allowed.join(', ') || 'none'}.`,
  severity: 'error',
  from: { path: adapter(name) },
  to: { path: '^src/adapters/', pathNot: [adapter(name), ...allowed.map(allowedTarget)] },
}));

const KNOWN_ADAPTERS = Object.keys(ADAPTERS).filter((name) => name !== 'paths' && name !== 'http-status' && name !== 'streams').join('|');

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds the rules: it imports only src/domain.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: '^src/domain/' },
    },
    {
      name: 'domain-packages',
      comment: 'src/domain may use node: builtins and small pure libraries (date-holidays) only.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'], pathNot: '^node_modules/date-holidays/' },
    },
    {
      name: 'application-inward',
      comment: 'Use cases depend on the domain and on their own ports, never on an adapter, a composition root, a process, the CLI or the kit.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { path: '^src/', pathNot: '^src/(domain|application)/' },
    },
    {
      name: 'application-packages',
      comment: 'Use cases import no package at run time; only the Logger type of pino (type-only) is allowed.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'], pathNot: '^node_modules/pino/' },
    },
    {
      name: 'application-pino-types-only',
      comment: 'pino may be named as a type by a use case, never loaded.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { path: '^node_modules/pino/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'adapters-outward',
      comment: 'No adapter imports a composition root, a process entry point, the support CLI or the conformance kit.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(composition|processes|admin-cli|conformance-kit)/' },
    },
    ...adapterRules,
    {
      name: 'adapter-new',
      comment: 'An adapter not yet listed in .dependency-cruiser.cjs may use no other adapter: list it with what it builds on.',
      severity: 'error',
      from: { path: `^src/adapters/(?!(?:${KNOWN_ADAPTERS})/)([^/]+)/` },
      to: { path: '^src/adapters/', pathNot: '^src/adapters/$1/' },
    },
    {
      name: 'composition-not-outward',
      comment: 'Composition roots assemble src; they never import a process entry point, the support CLI or the conformance kit.',
      severity: 'error',
      from: { path: '^src/composition/' },
      to: { path: '^src/(processes|admin-cli|conformance-kit)/' },
    },
    {
      name: 'processes-through-composition',
      comment: 'A process entry point starts a composition root; it may also load configuration and create the logger, nothing else of src.',
      severity: 'error',
      from: { path: '^src/processes/' },
      to: { path: '^src/', pathNot: ['^src/processes/', '^src/composition/', adapter('logging')] },
    },
    {
      name: 'admin-cli-is-a-client',
      comment: 'The support CLI is an HTTP client of the admin API: domain (formatting), its own files, the token file convention and the project root; never use cases, SQL or other adapters.',
      severity: 'error',
      from: { path: '^src/admin-cli/' },
      to: {
        path: '^src/',
        pathNot: ['^src/admin-cli/', '^src/admin-client/', '^src/domain/', '^src/adapters/admin-api/token\\.ts$', adapter('paths'), '^src/adapters/admin-api/'],
      },
    },
    {
      name: 'admin-cli-api-types-only',
      comment: 'The CLI may name the admin API\'s JSON shapes (type-only, erased at build) but never load its server code.',
      severity: 'error',
      from: { path: '^src/admin-cli/' },
      to: { path: '^src/adapters/admin-api/', pathNot: '^src/adapters/admin-api/token\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'admin-client-is-standalone',
      comment: 'The admin API client (decision 0020) is dependency-free: node built-ins and its own files only.',
      severity: 'error',
      from: { path: '^src/admin-client/' },
      to: { path: '^src/', pathNot: '^src/admin-client/' },
    },
    {
      name: 'admin-client-no-packages',
      comment: 'The admin API client loads no package (type-only imports are erased and allowed).',
      severity: 'error',
      from: { path: '^src/admin-client/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'admin-client-users',
      comment: 'Only the support CLI, the web portal (its support console) and the composition roots call the admin API through the admin client.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/admin-client/', '^src/admin-cli/', adapter('web-portal'), '^src/composition/'] },
      to: { path: '^src/admin-client/' },
    },
    {
      name: 'conformance-kit-is-black-box',
      comment: 'The conformance kit is a product of its own that tests the gateway from outside: it uses the domain and itself only, never adapters, use cases, composition or processes.',
      severity: 'error',
      from: { path: '^src/conformance-kit/' },
      to: { path: '^src/', pathNot: ['^src/conformance-kit/', '^src/domain/'] },
    },
    {
      name: 'no-circular',
      comment: 'No import cycle anywhere in src.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-tests',
      comment: 'Production code never imports test or benchmark code.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'src-not-to-dev-dependencies',
      comment: 'npm ci --omit=dev must leave a working install: src loads no devDependency (type-only imports are erased and allowed).',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-non-package-json',
      comment: 'Every package src imports is declared in package.json.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import of src resolves.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    // Type-only imports are dependencies too (they are erased only after the design is fixed).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
