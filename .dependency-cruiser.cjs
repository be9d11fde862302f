// The dependency rule of the service (docs/architecture.md, "Layers"): `npm run lint:deps`.
//   app/server/cli  →  features/*  →  access/, activity-log/  →  platform/, db/
// Features are independent of each other except along the directions listed in featureMayUse,
// so the graph between them stays one-way; the shared layers below never reach back up.

/** Feature → the other features it may import. Adding a direction is a design decision. */
const featureMayUse = {
  auth: [],
  // Adding a member looks the account up by email; a new project gets its board columns.
  projects: ['auth', 'columns'],
  labels: [],
  // A project's board columns, and the placement of tasks in them; they read no other feature.
  columns: [],
  tasks: ['labels', 'columns'], // a task carries its labels and sits in a column
  comments: [],
  activity: [],
  // Admins manage the accounts auth owns (revocation, sign-in); an invite may join a project.
  accounts: ['auth', 'projects'],
  webhooks: [],
  // Export and import read and write a project's whole content in the vocabulary of its features.
  transfer: ['projects', 'tasks', 'checklists', 'columns'],
  // Search finds tasks and answers them as the task list does.
  search: ['tasks'],
  // Saved views keep the board's and the list's filters; they read no other feature.
  views: [],
  // Files on a task and its cover; they read no other feature.
  attachments: [],
};
const features = Object.keys(featureMayUse);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be understood or changed alone.',
      from: {},
      to: { circular: true },
    },
    ...features.map((feature) => ({
      name: `feature-${feature}`,
      severity: 'error',
      comment: `features/${feature} may import only ${
        featureMayUse[feature].map((f) => `features/${f}`).join(', ') || 'no other feature'
      } (featureMayUse in .dependency-cruiser.cjs).`,
      from: { path: `^src/features/${feature}/` },
      to: {
        path: '^src/features/',
        pathNot: `^src/features/(${[feature, ...featureMayUse[feature]].join('|')})/`,
      },
    })),
    {
      name: 'feature-unlisted',
      severity: 'error',
      comment: 'A new feature folder needs its entry in featureMayUse before it imports another.',
      from: { path: '^src/features/([^/]+)/', pathNot: `^src/features/(${features.join('|')})/` },
      to: { path: '^src/features/', pathNot: '^src/features/$1/' },
    },
    {
      name: 'shared-layers-stay-below-features',
      severity: 'error',
      comment:
        'platform/, db/, access/ and activity-log/ serve every feature and never import one (nor the app, server or CLI).',
      from: { path: '^src/(platform|db|access|activity-log)/' },
      to: { path: '^src/(features|cli)/|^src/(app|server|main|cluster)\\.ts$' },
    },
    {
      name: 'platform-and-db-below-access',
      severity: 'error',
      comment: 'platform/ and db/ know nothing of callers, roles or the activity log.',
      from: { path: '^src/(platform|db)/' },
      to: { path: '^src/(access|activity-log)/' },
    },
    {
      name: 'features-not-to-entry-points',
      severity: 'error',
      comment: 'Features are wired by app.ts; they never import it, the server or the CLI.',
      from: { path: '^src/features/' },
      to: { path: '^src/cli/|^src/(app|server|main|cluster)\\.ts$' },
    },
    {
      name: 'migrations-frozen',
      severity: 'error',
      comment: 'A migration is frozen in time: it imports no app code that could change under it.',
      from: { path: '^src/db/migrations/' },
      to: { path: '^src/', pathNot: '^src/db/migrations/' },
    },
    {
      name: 'web-not-to-server',
      severity: 'error',
      comment:
        'The web UI talks to the service over HTTP only (types come from the OpenAPI document).',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
    {
      name: 'server-not-to-web',
      severity: 'error',
      comment: 'The service serves the built UI from disk; it never imports its source.',
      from: { path: '^src/' },
      to: { path: '^web/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
