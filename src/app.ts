// buildApp: the whole HTTP service as a Fastify instance, without listening. server.ts listens
// (for main.ts and `taskmanager serve`); tests inject requests into it.
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { ChangeFeed } from './db/change-feed.js';
import type { DatabaseHandle, Db } from './db/database.js';
import { activityRoutes } from './features/activity/activity.routes.js';
import { ActivityService } from './features/activity/activity.service.js';
import { registerAuthentication, sessionCookieName } from './features/auth/auth.plugin.js';
import { authRoutes } from './features/auth/auth.routes.js';
import { User } from './features/auth/auth.schemas.js';
import { AuthService } from './features/auth/auth.service.js';
import { commentsRoutes } from './features/comments/comments.routes.js';
import { Comment } from './features/comments/comments.schemas.js';
import { CommentsService } from './features/comments/comments.service.js';
import { labelsRoutes } from './features/labels/labels.routes.js';
import { Label } from './features/labels/labels.schemas.js';
import { LabelsService } from './features/labels/labels.service.js';
import { Project } from './features/projects/projects.schemas.js';
import { projectsRoutes } from './features/projects/projects.routes.js';
import { ProjectsService } from './features/projects/projects.service.js';
import { Task } from './features/tasks/tasks.schemas.js';
import { tasksRoutes } from './features/tasks/tasks.routes.js';
import { TasksService } from './features/tasks/tasks.service.js';
import { registerHttpContract } from './platform/contract.js';
import { frameworkErrorHandler, registerErrorHandling } from './platform/errors.js';
import { Lifecycle, registerHealth } from './platform/health.js';
import { loggerOptions, registerRequestLogging, requestIdOptions } from './platform/logging.js';
import { businessMetrics } from './platform/metrics/business.js';
import { registerMetrics } from './platform/metrics/http.js';
import { ErrorResponse } from './platform/schemas.js';
import { dateTimeFormat } from './platform/timestamps.js';
import { registerWebUi } from './platform/web.js';
import { version } from './version.js';

export interface AppDeps {
  config: Readonly<Config>;
  database: DatabaseHandle;
  /** Reads may go to a replica (DATABASE_READ_URL); defaults to the primary. */
  readDb?: Db;
  lifecycle?: Lifecycle;
  /** Overrides the logger (tests pass false or a stream). */
  logger?: FastifyServerOptions['logger'];
}

export interface Services {
  auth: AuthService;
  projects: ProjectsService;
  tasks: TasksService;
  labels: LabelsService;
  comments: CommentsService;
  activity: ActivityService;
}

export type App = FastifyInstance & {
  services: Services;
  lifecycle: Lifecycle;
  /** The change feed between replicas; the server starts it once the database is ready. */
  changes: ChangeFeed;
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// Two validators: bodies are validated strictly (a number where a string belongs is an error,
// unknown fields are refused); query strings and path parameters arrive as text and are coerced.
function validators() {
  const base = {
    allErrors: false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  } as const;
  const body = addFormats(new Ajv({ ...base, coerceTypes: false }));
  const text = addFormats(new Ajv({ ...base, coerceTypes: 'array' }));
  for (const ajv of [body, text]) ajv.addFormat('date-time', dateTimeFormat);
  return { body, text };
}

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, database } = deps;
  const db = database.db;
  const lifecycle = deps.lifecycle ?? new Lifecycle();

  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config.logLevel),
    ...requestIdOptions,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Bound how long a slow client may hold a connection; the API answers in milliseconds.
    requestTimeout: 30_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ajv = validators();
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? ajv.body : ajv.text).compile(schema),
  );

  for (const schema of [ErrorResponse, User, Project, Label, Task, Comment]) app.addSchema(schema);

  const changes = new ChangeFeed(db);
  app.addHook('onClose', async () => changes.stop());
  const services: Services = {
    auth: new AuthService(db, config, Date.now, changes),
    projects: new ProjectsService(db),
    tasks: new TasksService(db),
    labels: new LabelsService(db),
    comments: new CommentsService(db),
    activity: new ActivityService(deps.readDb ?? db),
  };
  services.auth.loginListener = businessMetrics.loginAttempt;
  services.tasks.taskCreatedListener = businessMetrics.taskCreated;

  registerErrorHandling(app, registerHttpContract(app));
  registerMetrics(app);
  registerRequestLogging(app);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // HSTS only makes sense behind TLS, which COOKIE_SECURE signals.
    strictTransportSecurity: config.cookieSecure,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CloudEdu TaskManager API',
        version,
        description:
          'Projects, tasks, labels and comments. Authenticate with the session cookie (and send X-CSRF-Token on unsafe requests) or with `Authorization: Bearer <API token>`.',
      },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(config) },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    // Name components after their $id (Task, Project, …) rather than def-0, def-1.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { docExpansion: 'list', deepLinking: true },
  });

  registerHealth(app, db, lifecycle);
  registerAuthentication(app, services.auth, config);

  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      await api.register(authRoutes, { auth: services.auth, config });
      await api.register(projectsRoutes, { projects: services.projects });
      await api.register(tasksRoutes, { tasks: services.tasks });
      await api.register(labelsRoutes, { labels: services.labels });
      await api.register(commentsRoutes, { comments: services.comments });
      await api.register(activityRoutes, { activity: services.activity });
    },
    { prefix: '/api/v1' },
  );

  await registerWebUi(app, config.webRoot);

  return Object.assign(app, { services, lifecycle, changes });
}
