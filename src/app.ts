// buildApp: the whole HTTP service as a Fastify instance, without listening. server.ts listens
// (for main.ts and `taskmanager serve`); tests inject requests into it.
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { ChangeFeed } from './db/change-feed.js';
import type { DatabaseHandle } from './db/database.js';
import { ReadRouting } from './db/read-routing.js';
import { registerReadYourWrites } from './access/read-your-writes.js';
import { accountsRoutes } from './features/accounts/accounts.routes.js';
import { AccountsService } from './features/accounts/accounts.service.js';
import { activityRoutes } from './features/activity/activity.routes.js';
import { ActivityService } from './features/activity/activity.service.js';
import { registerAuthentication, sessionCookieName } from './features/auth/auth.plugin.js';
import { authRoutes } from './features/auth/auth.routes.js';
import { User } from './features/auth/auth.schemas.js';
import { AuthService, CREDENTIALS_TOPIC } from './features/auth/auth.service.js';
import { oidcRoutes } from './features/auth/oidc.routes.js';
import { OidcService } from './features/auth/oidc.service.js';
import { attachmentsRoutes } from './features/attachments/attachments.routes.js';
import { Attachment } from './features/attachments/attachments.schemas.js';
import { AttachmentsService } from './features/attachments/attachments.service.js';
import { databaseStorage, objectStorage } from './features/attachments/attachments.storage.js';
import { AttachmentSweeper } from './features/attachments/attachments.sweeper.js';
import { checklistsRoutes } from './features/checklists/checklists.routes.js';
import { columnsRoutes } from './features/columns/columns.routes.js';
import { Column } from './features/columns/columns.schemas.js';
import { ColumnsService } from './features/columns/columns.service.js';
import { ChecklistItem } from './features/checklists/checklists.schemas.js';
import { ChecklistsService } from './features/checklists/checklists.service.js';
import { commentsRoutes } from './features/comments/comments.routes.js';
import { Comment } from './features/comments/comments.schemas.js';
import { CommentsService } from './features/comments/comments.service.js';
import { liveRoutes } from './features/live/live.routes.js';
import { LiveEvent } from './features/live/live.schemas.js';
import { Preferences } from './features/preferences/preferences.schemas.js';
import { LiveService } from './features/live/live.service.js';
import { labelsRoutes } from './features/labels/labels.routes.js';
import { Label } from './features/labels/labels.schemas.js';
import { LabelsService } from './features/labels/labels.service.js';
import { Project } from './features/projects/projects.schemas.js';
import { PreferencesService } from './features/preferences/preferences.service.js';
import { preferencesRoutes } from './features/preferences/preferences.routes.js';
import { projectsRoutes } from './features/projects/projects.routes.js';
import { ProjectsService } from './features/projects/projects.service.js';
import { notificationsRoutes } from './features/notifications/notifications.routes.js';
import { Notification } from './features/notifications/notifications.schemas.js';
import { NotificationsService } from './features/notifications/notifications.service.js';
import { DueReminders } from './features/notifications/due-reminders.js';
import { NotificationMailer } from './features/notifications/notifications.mailer.js';
import { Task } from './features/tasks/tasks.schemas.js';
import { tasksRoutes } from './features/tasks/tasks.routes.js';
import { SearchHit } from './features/search/search.schemas.js';
import { searchRoutes } from './features/search/search.routes.js';
import { SearchService } from './features/search/search.service.js';
import { SavedView } from './features/views/views.schemas.js';
import { viewsRoutes } from './features/views/views.routes.js';
import { ViewsService } from './features/views/views.service.js';
import { TasksService } from './features/tasks/tasks.service.js';
import { transferRoutes } from './features/transfer/transfer.routes.js';
import { calendarRoutes } from './features/calendar/calendar.routes.js';
import { CalendarFeed } from './features/calendar/calendar.schemas.js';
import { CalendarService } from './features/calendar/calendar.service.js';
import { ProjectDocument } from './features/transfer/transfer.schemas.js';
import { TransferService } from './features/transfer/transfer.service.js';
import { EgressPolicy } from './features/webhooks/webhooks.egress.js';
import { webhooksRoutes } from './features/webhooks/webhooks.routes.js';
import { Webhook, WebhookDelivery } from './features/webhooks/webhooks.schemas.js';
import { WebhooksService } from './features/webhooks/webhooks.service.js';
import { WebhookWorker } from './features/webhooks/webhooks.worker.js';
import { registerHttpContract } from './platform/contract.js';
import { frameworkErrorHandler, registerErrorHandling } from './platform/errors.js';
import { Lifecycle, registerHealth } from './platform/health.js';
import { loggerOptions, registerRequestLogging, requestIdOptions } from './platform/logging.js';
import { businessMetrics } from './platform/metrics/business.js';
import { registerMetrics } from './platform/metrics/http.js';
import { ErrorResponse } from './platform/schemas.js';
import { registerSecurityHeaders } from './platform/security-headers.js';
import { CompileOnDemand } from './platform/compile-on-demand.js';
import { cachedSerializers } from './platform/serializers.js';
import { validatorCompiler } from './platform/validators.js';
import { ObjectStore } from './platform/s3.js';
import { registerWebUi } from './platform/web.js';
import { version } from './version.js';

export interface AppDeps {
  config: Readonly<Config>;
  database: DatabaseHandle;
  /** Where reads go: a replica (DATABASE_READ_URL) when it holds the caller's writes; else the primary. */
  reads?: ReadRouting;
  lifecycle?: Lifecycle;
  /** Overrides the logger (tests pass false or a stream). */
  logger?: FastifyServerOptions['logger'];
}

export interface Services {
  auth: AuthService;
  accounts: AccountsService;
  projects: ProjectsService;
  tasks: TasksService;
  labels: LabelsService;
  comments: CommentsService;
  checklists: ChecklistsService;
  columns: ColumnsService;
  activity: ActivityService;
  webhooks: WebhooksService;
  live: LiveService;
  preferences: PreferencesService;
  notifications: NotificationsService;
  transfer: TransferService;
  calendar: CalendarService;
  search: SearchService;
  views: ViewsService;
  attachments: AttachmentsService;
}

export type App = FastifyInstance & {
  services: Services;
  lifecycle: Lifecycle;
  /** The change feed between replicas; the server starts it once the database is ready. */
  changes: ChangeFeed;
  /** Sends queued webhook deliveries; the server starts it once the database is ready. */
  webhookWorker: WebhookWorker;
  /** Sends notification emails when SMTP_URL is set; the server starts it likewise. */
  notificationMailer: NotificationMailer | undefined;
  dueReminders: DueReminders;
  /** Deletes orphaned objects of ATTACHMENTS_STORAGE=s3://…; none with database storage. */
  attachmentSweeper: AttachmentSweeper | undefined;
  /** Request validators and response serializers not compiled yet (the server finishes them). */
  compilers: CompileOnDemand;
};

const HOUR_MS = 3_600_000;

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

/**
 * TRUST_PROXY as Fastify takes it. A hop count becomes a function trusting the nearest `hops`
 * addresses: Fastify reads a bare number as "trust nobody", since a count cannot tell a proxy
 * from a client that connects directly. The deployment must make the proxies the only way in
 * (the chart's NetworkPolicy admits only the ingress controller; docs/security.md).
 */
export function trustProxyOption(trust: Config['trustProxy']) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, database } = deps;
  const db = database.db;
  const lifecycle = deps.lifecycle ?? new Lifecycle();
  // Validators and serializers compile on first use; the server compiles the rest once ready.
  const compilers = new CompileOnDemand();

  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config.logLevel),
    ...requestIdOptions,
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: 1024 * 1024,
    // Bound how long a slow client may hold a connection; the API answers in milliseconds.
    requestTimeout: 30_000,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler,
    schemaController: { compilersFactory: { buildSerializer: cachedSerializers(compilers) } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler(compilers));

  for (const schema of [ErrorResponse, User, Project, Label, Task, Comment, ChecklistItem, Column])
    app.addSchema(schema);
  for (const schema of [
    Webhook,
    WebhookDelivery,
    LiveEvent,
    Preferences,
    Notification,
    ProjectDocument,
    CalendarFeed,
    SearchHit,
    SavedView,
    Attachment,
  ])
    app.addSchema(schema);

  const changes = new ChangeFeed(db);
  app.addHook('onClose', async () => changes.stop());
  const { reader } = deps.reads ?? new ReadRouting(db, undefined);
  // Credentials are always resolved on the primary: a replica must not bring a revoked one back.
  // Account management, likewise, reads and writes the primary only.
  const auth = new AuthService(db, config, Date.now, changes);
  const projects = new ProjectsService(db, Date.now, reader);
  const files = config.attachmentsBucket;
  const objectStore = files && config.s3 && new ObjectStore(config.s3);
  const services: Services = {
    auth,
    accounts: new AccountsService(db, auth),
    projects,
    tasks: new TasksService(db, Date.now, reader),
    labels: new LabelsService(db, Date.now, reader),
    comments: new CommentsService(db, Date.now, reader),
    checklists: new ChecklistsService(db, Date.now, reader),
    columns: new ColumnsService(db, Date.now, reader),
    activity: new ActivityService(db, reader),
    webhooks: new WebhooksService(db, new EgressPolicy(config.webhooks)),
    live: new LiveService(db, changes, {
      credentialsTopic: CREDENTIALS_TOPIC,
      heartbeatMs: config.liveHeartbeatMs,
    }),
    preferences: new PreferencesService(db),
    notifications: new NotificationsService(db, Date.now, reader),
    transfer: new TransferService(database, projects),
    calendar: new CalendarService(db, Date.now, config.publicUrl),
    search: new SearchService(reader, config.searchTimeoutMs),
    views: new ViewsService(db),
    attachments: new AttachmentsService(
      db,
      config.attachmentMaxBytes,
      Date.now,
      reader,
      objectStore ? objectStorage(objectStore, files.bucket, files.prefix) : databaseStorage,
    ),
  };
  // Open streams would hold the server's close forever: they end first, and clients resume.
  app.addHook('preClose', async () => services.live.close());
  services.auth.loginListener = businessMetrics.loginAttempt;
  services.tasks.taskCreatedListener = businessMetrics.taskCreated;

  registerErrorHandling(app, registerHttpContract(app));
  registerMetrics(app);
  registerRequestLogging(app);

  registerSecurityHeaders(app, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // HSTS only makes sense behind TLS, which COOKIE_SECURE signals.
    strictTransportSecurity: config.cookieSecure,
  });
  await app.register(fastifyCookie);

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
  if (deps.reads?.hasReplica) registerReadYourWrites(app, deps.reads, config);

  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      // The one place that limits requests (sign-in, sign-up, password checks, invite and reset
      // links, imports), for every route below; counted in the database
      // (features/auth/login-limits.ts).
      await api.register(fastifyRateLimit, {
        global: false,
        store: services.auth.limits.rateLimitStore(),
      });
      await api.register(authRoutes, { auth: services.auth, config });
      await api.register(oidcRoutes, {
        // An invite accepted through single sign-on is claimed as features/accounts does it.
        oidc:
          config.oidc &&
          new OidcService(db, services.auth, config.oidc, {
            claim: async (trx, hash, user, now) =>
              (await services.accounts.claim(trx, hash, user, now)) !== false,
          }),
        limits: services.auth.limits,
        config,
      });
      await api.register(accountsRoutes, {
        accounts: services.accounts,
        limits: services.auth.limits,
        config,
      });
      await api.register(projectsRoutes, { projects: services.projects });
      await api.register(tasksRoutes, { tasks: services.tasks });
      await api.register(labelsRoutes, { labels: services.labels });
      await api.register(commentsRoutes, { comments: services.comments });
      await api.register(checklistsRoutes, { checklists: services.checklists });
      await api.register(columnsRoutes, { columns: services.columns });
      await api.register(activityRoutes, { activity: services.activity });
      await api.register(webhooksRoutes, { webhooks: services.webhooks });
      await api.register(liveRoutes, { live: services.live });
      await api.register(preferencesRoutes, { preferences: services.preferences });
      await api.register(notificationsRoutes, { notifications: services.notifications });
      await api.register(transferRoutes, {
        transfer: services.transfer,
        // Costly writes (a file parsed, thousands of rows): per user, counted over all replicas.
        limits: {
          import: services.auth.limits.userLimit('import', config.importRateLimitPerHour, HOUR_MS),
          preview: services.auth.limits.userLimit(
            'import-preview',
            config.importRateLimitPerHour,
            HOUR_MS,
          ),
        },
      });
      await api.register(calendarRoutes, { calendar: services.calendar });
      await api.register(searchRoutes, { search: services.search });
      await api.register(viewsRoutes, { views: services.views });
      await api.register(attachmentsRoutes, { attachments: services.attachments });
    },
    { prefix: '/api/v1' },
  );

  await registerWebUi(app, config.webRoot);

  const webhookWorker = new WebhookWorker(
    db,
    config.webhooks,
    new EgressPolicy(config.webhooks),
    app.log,
  );
  app.addHook('onClose', async () => webhookWorker.stop());
  const notificationMailer = config.smtp && new NotificationMailer(db, config.smtp, app.log);
  app.addHook('onClose', async () => notificationMailer?.stop());
  const dueReminders = new DueReminders(db, config.reminders, { log: app.log, changes });
  app.addHook('onClose', async () => dueReminders.stop());
  const attachmentSweeper =
    objectStore && new AttachmentSweeper(db, objectStore, files.bucket, files.prefix, app.log);
  app.addHook('onClose', async () => {
    await attachmentSweeper?.stop();
    objectStore?.close();
  });

  return Object.assign(app, {
    services,
    lifecycle,
    changes,
    webhookWorker,
    notificationMailer,
    dueReminders,
    attachmentSweeper,
    compilers,
  });
}
