{{/* Names ---------------------------------------------------------------------------------- */}}

{{- define "taskmanager.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object-name prefix: the release name, plus the chart name unless the release already has it. */}}
{{- define "taskmanager.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "taskmanager.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "taskmanager.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "taskmanager.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "taskmanager.mysqlName" -}}
{{- printf "%s-mysql" (include "taskmanager.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of the InnoDBCluster (also the name of the router Service the operator creates). */}}
{{- define "taskmanager.innodbclusterName" -}}
{{- printf "%s-db" (include "taskmanager.fullname" .) | trunc 40 | trimSuffix "-" }}
{{- end }}

{{/* Labels ---------------------------------------------------------------------------------- */}}

{{- define "taskmanager.selectorLabels" -}}
app.kubernetes.io/name: {{ include "taskmanager.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "taskmanager.labels" -}}
helm.sh/chart: {{ include "taskmanager.chart" . }}
{{ include "taskmanager.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cloudedu-taskmanager
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels of one component: include with (dict "ctx" $ "component" "app"). */}}
{{- define "taskmanager.componentLabels" -}}
{{ include "taskmanager.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "taskmanager.componentSelectorLabels" -}}
{{ include "taskmanager.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Monitoring -------------------------------------------------------------------------------- */}}

{{/* The release has a MySQL exporter: the chart's sidecar (standalone) or the InnoDBCluster's (operator). */}}
{{- define "taskmanager.mysqlExporter" -}}
{{- if and .Values.mysql.exporter.enabled (ne .Values.mysql.mode "external") }}true{{ end }}
{{- end }}

{{/* Port the exporter listens on: the sidecar's setting, or 9104, which the operator's sidecar always uses. */}}
{{- define "taskmanager.exporterPort" -}}
{{- if eq .Values.mysql.mode "operator" }}9104{{ else }}{{ .Values.mysql.exporter.port }}{{ end }}
{{- end }}

{{/*
Label of every pod Prometheus scrapes: the app, the standalone MySQL with its exporter sidecar and,
through InnoDBCluster spec.podLabels, the InnoDB Cluster's servers. allow-prometheus-to-metrics
selects on it: the operator's pods carry its labels, not the release's, and one NetworkPolicy has
one pod selector.
*/}}
{{- define "taskmanager.scrapeLabels" -}}
cloudedu.io/scrape: {{ .Release.Name | quote }}
{{- end }}

{{/*
mysqld-exporter collectors beyond its defaults. Group Replication (operator mode) needs these two:
TaskManagerMySQLReplicationLag reads mysql_perf_schema_transactions_remote_in_applier_queue (from
replication_group_member_stats), the MySQL dashboard the members' states (replication_group_members).
*/}}
{{- define "taskmanager.groupReplicationCollectors" -}}
- --collect.perf_schema.replication_group_member_stats
- --collect.perf_schema.replication_group_members
{{- end }}

{{/* Images ---------------------------------------------------------------------------------- */}}

{{/* repository:tag or repository@digest; the tag defaults to appVersion, never `latest`. */}}
{{- define "taskmanager.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag | toString }}
{{- if eq $tag "latest" }}{{ fail "image.tag: `latest` is not allowed; use a version tag or image.digest" }}{{ end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "taskmanager.mysqlImage" -}}
{{- $img := .Values.mysql.standalone.image }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (toString $img.tag) }}
{{- end }}
{{- end }}

{{- define "taskmanager.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end }}

{{/* Security ---------------------------------------------------------------------------------- */}}

{{/* Pod Security Standards `restricted`, container level. */}}
{{- define "taskmanager.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
privileged: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Pod level for pods running the app image (UID/GID 10001). */}}
{{- define "taskmanager.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "taskmanager.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end }}

{{/* Database -------------------------------------------------------------------------------- */}}

{{- define "taskmanager.validate" -}}
{{- if and (eq .Values.mysql.mode "external") (not .Values.mysql.external.host) }}
{{- fail "mysql.external.host is required when mysql.mode is external" }}
{{- end }}
{{- if and (eq .Values.mysql.mode "external") (not .Values.mysql.external.existingSecret) }}
{{- fail "mysql.external.existingSecret is required when mysql.mode is external (the chart never stores an external password)" }}
{{- end }}
{{- range $name, $_ := .Values.config.extraEnv }}
{{- if not (regexMatch "^[A-Z_][A-Z0-9_]*$" $name) }}
{{- fail (printf "config.extraEnv.%s: not an environment variable name (A-Z, 0-9, _)" $name) }}
{{- end }}
{{- if regexMatch "(PASSWORD|SECRET|TOKEN|PRIVATE_KEY)" $name }}
{{- fail (printf "config.extraEnv.%s looks like a secret: extraEnv lands in a ConfigMap; mount secrets from a Secret instead" $name) }}
{{- end }}
{{- end }}
{{- with .Values.backup.s3 }}
{{- if .enabled }}
{{- if not .endpoint }}{{ fail "backup.s3.endpoint is required with backup.s3.enabled (https://host[:port] of the store)" }}{{ end }}
{{- if not .bucket }}{{ fail "backup.s3.bucket is required with backup.s3.enabled" }}{{ end }}
{{- if not .existingSecret }}{{ fail "backup.s3.existingSecret is required with backup.s3.enabled (a Secret with the access key id and secret; the chart never stores them)" }}{{ end }}
{{- end }}
{{- end }}
{{- if and .Values.ingress.enabled (eq .Values.service.type "NodePort") }}
{{- fail "use either ingress.enabled or service.type NodePort, not both" }}
{{- end }}
{{- if and .Values.ingress.enabled (not .Values.networkPolicy.enabled) (eq (toString .Values.config.trustProxy) "") }}
{{- fail "config.trustProxy: without networkPolicy.enabled any pod can reach the app and pose as the ingress controller; set the controller's pod IPs/CIDRs (or 0 to trust no proxy)" }}
{{- end }}
{{- end }}

{{/*
TRUST_PROXY: as set, else one hop behind the Ingress: the controller writes the address it saw last
in X-Forwarded-For and the app takes that entry, never one the client sent. A hop count trusts
whoever connects, so it relies on the NetworkPolicy that admits only the controller.
*/}}
{{- define "taskmanager.trustProxy" -}}
{{- $set := toString .Values.config.trustProxy }}
{{- if ne $set "" }}{{ $set }}{{ else if .Values.ingress.enabled }}1{{ else }}false{{ end }}
{{- end }}

{{/* Secret holding the generated (or supplied) database credentials, in standalone and operator modes. */}}
{{- define "taskmanager.dbSecretName" -}}
{{- if eq .Values.mysql.mode "external" }}
{{- .Values.mysql.external.existingSecret }}
{{- else if .Values.mysql.auth.existingSecret }}
{{- .Values.mysql.auth.existingSecret }}
{{- else }}
{{- printf "%s-db" (include "taskmanager.fullname" .) }}
{{- end }}
{{- end }}

{{- define "taskmanager.dbPasswordKey" -}}
{{- if eq .Values.mysql.mode "external" }}{{ .Values.mysql.external.passwordKey }}{{ else }}mysql-password{{ end }}
{{- end }}

{{/* Host and port the app writes to. */}}
{{- define "taskmanager.dbHost" -}}
{{- if eq .Values.mysql.mode "external" }}
{{- .Values.mysql.external.host }}
{{- else if eq .Values.mysql.mode "operator" }}
{{- printf "%s.%s.svc" (include "taskmanager.innodbclusterName" .) .Release.Namespace }}
{{- else }}
{{- printf "%s.%s.svc" (include "taskmanager.mysqlName" .) .Release.Namespace }}
{{- end }}
{{- end }}

{{- define "taskmanager.dbPort" -}}
{{- if eq .Values.mysql.mode "external" }}{{ .Values.mysql.external.port }}{{ else if eq .Values.mysql.mode "operator" }}6446{{ else }}3306{{ end }}
{{- end }}

{{- define "taskmanager.dbName" -}}
{{- if eq .Values.mysql.mode "external" }}{{ .Values.mysql.external.database }}{{ else }}{{ .Values.mysql.auth.database }}{{ end }}
{{- end }}

{{- define "taskmanager.dbUser" -}}
{{- if eq .Values.mysql.mode "external" }}{{ .Values.mysql.external.username }}{{ else }}{{ .Values.mysql.auth.username }}{{ end }}
{{- end }}

{{/* DATABASE_URL without a password: the password comes from DATABASE_PASSWORD_FILE. */}}
{{- define "taskmanager.databaseURL" -}}
{{- printf "mysql://%s@%s:%s/%s" (include "taskmanager.dbUser" .) (include "taskmanager.dbHost" .) (include "taskmanager.dbPort" .) (include "taskmanager.dbName" .) }}
{{- end }}

{{/* DATABASE_READ_URL: the router's read-only port (operator) or an external read replica; empty otherwise. */}}
{{- define "taskmanager.databaseReadURL" -}}
{{- if and (eq .Values.mysql.mode "operator") .Values.mysql.operator.readFromReplicas }}
{{- printf "mysql://%s@%s:6447/%s" (include "taskmanager.dbUser" .) (include "taskmanager.dbHost" .) (include "taskmanager.dbName" .) }}
{{- else if and (eq .Values.mysql.mode "external") .Values.mysql.external.readHost }}
{{- printf "mysql://%s@%s:%v/%s" (include "taskmanager.dbUser" .) .Values.mysql.external.readHost .Values.mysql.external.port (include "taskmanager.dbName" .) }}
{{- end }}
{{- end }}

{{- define "taskmanager.dbPasswordMountPath" -}}/var/run/secrets/cloudedu{{- end }}

{{/* Non-secret environment of the service; the ConfigMap and the migration Job both use it. */}}
{{- define "taskmanager.env" -}}
PORT: {{ .Values.ports.http | quote }}
HOST: "0.0.0.0"
METRICS_PORT: {{ .Values.ports.metrics | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
TRUST_PROXY: {{ include "taskmanager.trustProxy" . | quote }}
REGISTRATION: {{ .Values.config.registration | quote }}
COOKIE_SECURE: {{ .Values.config.cookieSecure | toString | quote }}
SHUTDOWN_GRACE_SECONDS: {{ .Values.config.shutdownGraceSeconds | quote }}
DB_CONNECT_TIMEOUT_SECONDS: {{ .Values.config.dbConnectTimeoutSeconds | quote }}
WEB_CONCURRENCY: {{ .Values.config.webConcurrency | quote }}
SESSION_IDLE_MINUTES: {{ .Values.config.sessionIdleMinutes | quote }}
SESSION_ABSOLUTE_HOURS: {{ .Values.config.sessionAbsoluteHours | quote }}
MIGRATE_ON_START: "false"
DATABASE_URL: {{ include "taskmanager.databaseURL" . | quote }}
DATABASE_PASSWORD_FILE: {{ printf "%s/database-password" (include "taskmanager.dbPasswordMountPath" .) | quote }}
{{- with include "taskmanager.databaseReadURL" . }}
DATABASE_READ_URL: {{ . | quote }}
{{- end }}
{{- /* Tracing: the image's entry point preloads the OpenTelemetry SDK only when the endpoint is set. */}}
{{- if .Values.tracing.enabled }}
OTEL_SERVICE_NAME: "cloudedu-taskmanager"
OTEL_RESOURCE_ATTRIBUTES: {{ printf "service.version=%s,deployment.environment=%s,k8s.namespace.name=%s" .Chart.AppVersion .Values.environment .Release.Namespace | quote }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ .Values.tracing.endpoint | quote }}
OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf"
OTEL_TRACES_SAMPLER: "parentbased_traceidratio"
OTEL_TRACES_SAMPLER_ARG: {{ .Values.tracing.samplingRatio | toString | quote }}
{{- end }}
AUTH_MODE: {{ .Values.config.authMode | quote }}
{{- with .Values.config.oidc }}
{{- if .issuer }}
OIDC_ISSUER: {{ .issuer | quote }}
OIDC_CLIENT_ID: {{ required "config.oidc.clientId is required with config.oidc.issuer" .clientId | quote }}
OIDC_SCOPES: {{ .scopes | quote }}
OIDC_REDIRECT_URL: {{ .redirectUrl | default (printf "https://%s/api/v1/auth/oidc/callback" $.Values.ingress.host) | quote }}
{{- if .existingSecret }}
OIDC_CLIENT_SECRET_FILE: {{ printf "%s/client-secret" (include "taskmanager.oidcSecretMountPath" $) | quote }}
{{- end }}
{{- with .adminGroup }}
OIDC_ADMIN_GROUP: {{ . | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- with include "taskmanager.publicUrl" . }}
PUBLIC_URL: {{ . | quote }}
{{- end }}
{{- with .Values.config.smtp }}
{{- if .existingSecret }}
SMTP_URL_FILE: {{ printf "%s/smtp-url" (include "taskmanager.smtpSecretMountPath" $) | quote }}
SMTP_FROM: {{ required "config.smtp.from is required with config.smtp.existingSecret" .from | quote }}
{{- $_ := required "config.publicUrl (or ingress.enabled with ingress.host) is required with config.smtp.existingSecret: the links in emails" (include "taskmanager.publicUrl" $) }}
{{- end }}
{{- end }}
REMINDER_LEAD_HOURS: {{ .Values.config.reminders.leadHours | toString | quote }}
REMINDER_POLL_MS: {{ .Values.config.reminders.pollMs | toString | quote }}
LIVE_HEARTBEAT_SECONDS: {{ .Values.config.liveHeartbeatSeconds | toString | quote }}
{{- range $name, $value := .Values.config.extraEnv }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* PUBLIC_URL: config.publicUrl, else the ingress's https address when there is one. */}}
{{- define "taskmanager.publicUrl" -}}
{{- if .Values.config.publicUrl -}}
{{- .Values.config.publicUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.host -}}
{{- printf "https://%s" .Values.ingress.host -}}
{{- end -}}
{{- end }}

{{- define "taskmanager.smtpSecretMountPath" -}}/var/run/secrets/cloudedu-smtp{{- end }}

{{/* The SMTP URL (with its credentials) as a file, for every container that reads the config. */}}
{{- define "taskmanager.smtpSecretMount" -}}
{{- if .Values.config.smtp.existingSecret }}
- name: smtp-url
  mountPath: {{ include "taskmanager.smtpSecretMountPath" . }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "taskmanager.smtpSecretVolume" -}}
{{- if .Values.config.smtp.existingSecret }}
- name: smtp-url
  secret:
    secretName: {{ .Values.config.smtp.existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .Values.config.smtp.secretKey }}
        path: smtp-url
{{- end }}
{{- end }}

{{- define "taskmanager.oidcSecretMountPath" -}}/var/run/secrets/cloudedu-oidc{{- end }}

{{/* The single sign-on client secret as a file, for every container that reads the config. */}}
{{- define "taskmanager.oidcSecretMount" -}}
{{- if and .Values.config.oidc.issuer .Values.config.oidc.existingSecret }}
- name: oidc-client-secret
  mountPath: {{ include "taskmanager.oidcSecretMountPath" . }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "taskmanager.oidcSecretVolume" -}}
{{- if and .Values.config.oidc.issuer .Values.config.oidc.existingSecret }}
- name: oidc-client-secret
  secret:
    secretName: {{ .Values.config.oidc.existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .Values.config.oidc.secretKey }}
        path: client-secret
{{- end }}
{{- end }}

{{/* The database password as a file (never an env value). */}}
{{- define "taskmanager.dbPasswordVolume" -}}
- name: database-password
  secret:
    secretName: {{ include "taskmanager.dbSecretName" . }}
    defaultMode: 0440
    items:
      - key: {{ include "taskmanager.dbPasswordKey" . }}
        path: database-password
{{- end }}

{{/* Grace: preStop sleep, then SIGTERM and the app's own drain, plus a margin. */}}
{{- define "taskmanager.terminationGracePeriodSeconds" -}}
{{- add .Values.preStopSleepSeconds .Values.config.shutdownGraceSeconds .Values.terminationGraceMarginSeconds }}
{{- end }}

{{/* The release creates the database (so it does not exist yet before install). */}}
{{- define "taskmanager.inReleaseDatabase" -}}
{{- if ne .Values.mysql.mode "external" }}true{{ end }}
{{- end }}

{{/* Network ---------------------------------------------------------------------------------- */}}

{{/* An IPv4 address as a number. */}}
{{- define "taskmanager.ipv4ToInt" -}}
{{- $o := splitList "." . }}
{{- add (mul (atoi (index $o 0)) 16777216) (mul (atoi (index $o 1)) 65536) (mul (atoi (index $o 2)) 256) (atoi (index $o 3)) }}
{{- end }}

{{/*
"true" when CIDR .inner lies strictly inside CIDR .outer (what NetworkPolicy accepts in ipBlock
`except`). IPv4 is compared by prefix; for IPv6 only ::/0 is known to hold everything.
*/}}
{{- define "taskmanager.cidrContains" -}}
{{- $outer := splitList "/" .outer }}
{{- $inner := splitList "/" .inner }}
{{- $outerBits := atoi (index $outer 1) }}
{{- $innerBits := atoi (index $inner 1) }}
{{- if and (contains ":" .outer) (contains ":" .inner) }}
{{- if and (eq $outerBits 0) (gt $innerBits 0) }}true{{ end }}
{{- else if and (not (contains ":" .outer)) (not (contains ":" .inner)) (lt $outerBits $innerBits) }}
{{- $size := 1 }}
{{- range until (sub 32 $outerBits | int) }}{{ $size = mul $size 2 }}{{ end }}
{{- $outerNet := include "taskmanager.ipv4ToInt" (index $outer 0) | atoi }}
{{- $innerNet := include "taskmanager.ipv4ToInt" (index $inner 0) | atoi }}
{{- if eq (div $outerNet $size) (div $innerNet $size) }}true{{ end }}
{{- end }}
{{- end }}

{{/* Backups ------------------------------------------------------------------------------- */}}

{{/* The backup volume's claim: the chart's own, or an existing one. */}}
{{- define "taskmanager.backupClaim" -}}
{{- .Values.backup.persistence.existingClaim | default (printf "%s-backups" (include "taskmanager.fullname" .)) }}
{{- end }}

{{/* "true" when the archives go to the backup PVC (not to an S3 bucket). */}}
{{- define "taskmanager.backupOnVolume" -}}
{{- if not .Values.backup.s3.enabled }}true{{ end }}
{{- end }}

{{/* s3://bucket/prefix/ of the archives (backup.s3). */}}
{{- define "taskmanager.backupS3Url" -}}
{{- $prefix := trimAll "/" .Values.backup.s3.prefix }}
{{- printf "s3://%s/%s" .Values.backup.s3.bucket (ternary "" (printf "%s/" $prefix) (eq $prefix "")) }}
{{- end }}

{{/* Where the archives are: the volume's /backups, or the bucket's s3://bucket/prefix/. */}}
{{- define "taskmanager.backupLocation" -}}
{{- if .Values.backup.s3.enabled }}{{ include "taskmanager.backupS3Url" . }}{{ else }}/backups{{ end }}
{{- end }}

{{- define "taskmanager.s3SecretMountPath" -}}/var/run/secrets/cloudedu-s3{{- end }}

{{/* Pod spec of the backup CronJob and the restore Job: the app image running `taskmanager <args>`. */}}
{{- define "taskmanager.backupPodSpec" -}}
{{- $ := .ctx }}
{{- $s3 := $.Values.backup.s3 }}
restartPolicy: Never
automountServiceAccountToken: false
enableServiceLinks: false
{{- if $.Values.imagePullSecrets }}
{{ include "taskmanager.imagePullSecrets" $ }}
{{- end }}
securityContext:
  {{- include "taskmanager.podSecurityContext" $ | nindent 2 }}
containers:
  - name: {{ index .args 0 }}
    image: {{ include "taskmanager.image" $ }}
    imagePullPolicy: {{ $.Values.image.pullPolicy }}
    command: ["node", "dist/server/cli/index.js"]
    args:
      {{- toYaml .args | nindent 6 }}
    env:
      {{- range $name, $value := (include "taskmanager.env" $ | fromYaml) }}
      - name: {{ $name }}
        value: {{ $value | toString | quote }}
      {{- end }}
      {{- if $s3.enabled }}
      {{- /* The access key id and its secret are files (the Secret's keys), never env values. */}}
      - name: S3_ENDPOINT
        value: {{ $s3.endpoint | quote }}
      - name: S3_REGION
        value: {{ $s3.region | quote }}
      - name: S3_ACCESS_KEY_ID_FILE
        value: {{ printf "%s/access-key-id" (include "taskmanager.s3SecretMountPath" $) | quote }}
      - name: S3_SECRET_ACCESS_KEY_FILE
        value: {{ printf "%s/secret-access-key" (include "taskmanager.s3SecretMountPath" $) | quote }}
      {{- end }}
    resources:
      {{- toYaml $.Values.backup.resources | nindent 6 }}
    securityContext:
      {{- include "taskmanager.containerSecurityContext" $ | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
      - name: database-password
        mountPath: {{ include "taskmanager.dbPasswordMountPath" $ }}
        readOnly: true
      {{- /* The configuration the command loads names these files (SMTP_URL_FILE, OIDC_CLIENT_SECRET_FILE). */}}
      {{- include "taskmanager.smtpSecretMount" $ | nindent 6 }}
      {{- include "taskmanager.oidcSecretMount" $ | nindent 6 }}
      {{- if $s3.enabled }}
      - name: s3-credentials
        mountPath: {{ include "taskmanager.s3SecretMountPath" $ }}
        readOnly: true
      {{- else }}
      - name: backups
        mountPath: /backups
      {{- end }}
volumes:
  {{- include "taskmanager.tmpVolume" $ | nindent 2 }}
  {{- include "taskmanager.dbPasswordVolume" $ | nindent 2 }}
  {{- include "taskmanager.smtpSecretVolume" $ | nindent 2 }}
  {{- include "taskmanager.oidcSecretVolume" $ | nindent 2 }}
  {{- if $s3.enabled }}
  {{- include "taskmanager.s3CredentialsVolume" (dict "name" "s3-credentials" "s3" $s3) | nindent 2 }}
  {{- else }}
  - name: backups
    persistentVolumeClaim:
      claimName: {{ include "taskmanager.backupClaim" $ }}
  {{- end }}
{{- end }}

{{/*
Attachments in a bucket (attachments.s3): the app container's own settings. Not in the ConfigMap,
which the migration, backup and restore pods load too: they need no store, and the backup pods'
S3_* (backup.s3) may name another one.
*/}}
{{- define "taskmanager.attachmentsS3MountPath" -}}/var/run/secrets/cloudedu-attachments-s3{{- end }}

{{- define "taskmanager.attachmentsS3Env" -}}
{{- with .Values.attachments.s3 }}
{{- if .enabled }}
{{- if not .endpoint }}{{ fail "attachments.s3.endpoint is required with attachments.s3.enabled (https://host[:port] of the store)" }}{{ end }}
{{- if not .bucket }}{{ fail "attachments.s3.bucket is required with attachments.s3.enabled" }}{{ end }}
{{- if not .existingSecret }}{{ fail "attachments.s3.existingSecret is required with attachments.s3.enabled (a Secret with the access key id and secret; the chart never stores them)" }}{{ end }}
{{- $prefix := trimAll "/" .prefix }}
- name: ATTACHMENTS_STORAGE
  value: {{ printf "s3://%s/%s" .bucket (ternary "" (printf "%s/" $prefix) (eq $prefix "")) | quote }}
- name: S3_ENDPOINT
  value: {{ .endpoint | quote }}
- name: S3_REGION
  value: {{ .region | quote }}
- name: S3_ACCESS_KEY_ID_FILE
  value: {{ printf "%s/access-key-id" (include "taskmanager.attachmentsS3MountPath" $) | quote }}
- name: S3_SECRET_ACCESS_KEY_FILE
  value: {{ printf "%s/secret-access-key" (include "taskmanager.attachmentsS3MountPath" $) | quote }}
{{- end }}
{{- end }}
{{- end }}

{{- define "taskmanager.attachmentsS3Mount" -}}
{{- if .Values.attachments.s3.enabled }}
- name: attachments-s3-credentials
  mountPath: {{ include "taskmanager.attachmentsS3MountPath" . }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "taskmanager.attachmentsS3Volume" -}}
{{- if .Values.attachments.s3.enabled }}
{{- include "taskmanager.s3CredentialsVolume" (dict "name" "attachments-s3-credentials" "s3" .Values.attachments.s3) }}
{{- end }}
{{- end }}

{{/* A store's access key id and secret as files: the Secret's keys of an s3 section (backup.s3, attachments.s3). */}}
{{- define "taskmanager.s3CredentialsVolume" -}}
- name: {{ .name }}
  secret:
    secretName: {{ .s3.existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .s3.accessKeyIdKey }}
        path: access-key-id
      - key: {{ .s3.secretAccessKeyKey }}
        path: secret-access-key
{{- end }}

{{/* Egress rule to the S3-compatible store of backup.s3 (networkPolicy.s3Endpoint), when on. */}}
{{- define "taskmanager.s3Egress" -}}
{{- if .Values.backup.s3.enabled }}
- to:
    {{- range .Values.networkPolicy.s3Endpoint.cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    {{- range .Values.networkPolicy.s3Endpoint.ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end }}
{{- end }}

{{/* Egress rule(s) to the database server of every mode: app, migration, backup and restore pods. */}}
{{- define "taskmanager.mysqlEgress" -}}
{{- if eq .Values.mysql.mode "standalone" }}
- to:
    - podSelector:
        matchLabels:
          {{- include "taskmanager.componentSelectorLabels" (dict "ctx" . "component" "mysql") | nindent 10 }}
  ports:
    - port: 3306
      protocol: TCP
{{- else if eq .Values.mysql.mode "operator" }}
- to:
    - podSelector:
        matchLabels:
          mysql.oracle.com/cluster: {{ include "taskmanager.innodbclusterName" . }}
          component: mysqlrouter
  ports:
    - port: 6446
      protocol: TCP
    - port: 6447
      protocol: TCP
{{- else }}
- to:
    {{- range .Values.mysql.external.cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    - port: {{ .Values.mysql.external.port }}
      protocol: TCP
{{- end }}
{{- end }}

{{/* Egress rule to the cluster DNS (networkPolicy.dns), port 53 over UDP and TCP. */}}
{{- define "taskmanager.dnsEgress" -}}
- to:
    - namespaceSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 10 }}
      podSelector:
        matchLabels:
          {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 10 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end }}
