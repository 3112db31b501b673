{{/* The Secret of Airflow's own credentials and keys: the user's (auth.existingSecret) or the
generated one. */}}
{{- define "datapark.airflow.v1.secretName" -}}
{{- .Values.auth.existingSecret | default (include "datapark.common.v1.fullname" .) -}}
{{- end -}}

{{- define "datapark.airflow.v1.apiServerName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "api-server") -}}
{{- end -}}

{{- define "datapark.airflow.v1.redisName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "redis") -}}
{{- end -}}

{{/* The statsd-exporter's name: its Deployment, Service and ConfigMap. */}}
{{- define "datapark.airflow.v1.statsdName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "statsd") -}}
{{- end -}}

{{- define "datapark.airflow.v1.podMonitors" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.metrics.enabled "mode" .Values.metrics.podMonitor) -}}
{{- end -}}

{{/* The Prometheus that scrapes the exporters, as NetworkPolicy peers. */}}
{{- define "datapark.airflow.v1.prometheusPeers" -}}
{{- include "datapark.common.v1.prometheusPeers" (dict "context" . "podMonitors" (include "datapark.airflow.v1.podMonitors" .)) -}}
{{- end -}}

{{- define "datapark.airflow.v1.postgresHost" -}}
{{- .Values.postgresql.host | default (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "postgresql")) -}}
{{- end -}}

{{- define "datapark.airflow.v1.postgresSecret" -}}
{{- .Values.postgresql.secretName | default (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "postgresql")) -}}
{{- end -}}

{{/* The Secret holding the Spark REST submission server's signing key ("rest-secret"). */}}
{{- define "datapark.airflow.v1.sparkSecret" -}}
{{- .Values.spark.secretName | default (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "spark")) -}}
{{- end -}}

{{/* The key the DAGs' Spark helper (datapark_dags/spark_rest.py) signs REST submissions with,
for the components that run tasks and triggers: the workers and the triggerer, the only
Airflow pods the Spark master's NetworkPolicy lets reach its REST port. Optional: with Spark
turned off (spark.enabled=false) there is no Secret, and the pod still starts. */}}
{{- define "datapark.airflow.v1.sparkRestEnv" -}}
- name: DATAPARK_SPARK_REST_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "datapark.airflow.v1.sparkSecret" . }}
      key: rest-secret
      optional: true
{{- end -}}

{{/* The DAG files of files/dags/ (from apps/airflow-dags, with the Python SDK they import) and
the folder's .airflowignore, as {configmap key: path}; a key cannot hold "/", so nested files are
keyed with "__" in its place. */}}
{{- define "datapark.airflow.v1.dagFiles" -}}
{{- $files := dict -}}
{{- range $path, $_ := .Files.Glob "files/dags/**.py" -}}
{{- $rel := trimPrefix "files/dags/" $path -}}
{{- $_ := set $files (replace "/" "__" $rel) $rel -}}
{{- end -}}
{{- if .Files.Get "files/dags/.airflowignore" -}}
{{- $_ := set $files ".airflowignore" ".airflowignore" -}}
{{- end -}}
{{- toJson $files -}}
{{- end -}}

{{/* The environment every Airflow container shares: one Fernet key, one JWT secret, the
execution API at the api-server, the metadata database, the Celery broker, the connections the
DAGs use. Mirrors the local platform's airflowEnvironment() (packages/platform-local/src/airflow). */}}
{{- define "datapark.airflow.v1.env" -}}
{{- $secret := include "datapark.airflow.v1.secretName" . -}}
{{- $pg := printf "%s:%d" (include "datapark.airflow.v1.postgresHost" .) (int .Values.postgresql.port) -}}
{{- $spark := include "datapark.common.v1.chartFullname" (dict "context" . "chart" "spark") -}}
- name: AIRFLOW_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "datapark.airflow.v1.postgresSecret" . }}
      key: airflow-password
- name: SPARK_ETL_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "datapark.airflow.v1.postgresSecret" . }}
      key: spark_etl-password
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: redis-password
- name: AIRFLOW__CORE__FERNET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: fernet-key
- name: AIRFLOW__API_AUTH__JWT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: jwt-secret
- name: AIRFLOW__API__SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: api-secret-key
- name: AIRFLOW__CORE__EXECUTOR
  value: CeleryExecutor
- name: AIRFLOW__CORE__DAGS_FOLDER
  value: /opt/airflow/dags
- name: AIRFLOW__CORE__LOAD_EXAMPLES
  value: "False"
- name: AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION
  value: "True"
- name: AIRFLOW__CORE__EXECUTION_API_SERVER_URL
  value: {{ printf "http://%s:%d/execution/" (include "datapark.airflow.v1.apiServerName" .) (int .Values.apiServer.port) | quote }}
- name: AIRFLOW__CORE__AUTH_MANAGER
  value: airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager
- name: AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS
  value: {{ printf "%s:admin" .Values.auth.username | quote }}
- name: AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE
  value: /opt/airflow/auth/passwords.json
- name: AIRFLOW__DATABASE__SQL_ALCHEMY_CONN
  value: {{ printf "postgresql+psycopg2://airflow:$(AIRFLOW_DB_PASSWORD)@%s/%s" $pg .Values.postgresql.database | quote }}
- name: AIRFLOW__DATABASE__SQL_ALCHEMY_POOL_SIZE
  value: "3"
- name: AIRFLOW__API__PORT
  value: {{ .Values.apiServer.port | quote }}
- name: AIRFLOW__API__WORKERS
  value: "1"
- name: AIRFLOW__API__EXPOSE_CONFIG
  value: "False"
- name: AIRFLOW__CELERY__BROKER_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s:%d/0" (include "datapark.airflow.v1.redisName" .) (int .Values.redis.port) | quote }}
- name: AIRFLOW__CELERY__RESULT_BACKEND
  value: {{ printf "db+postgresql://airflow:$(AIRFLOW_DB_PASSWORD)@%s/%s" $pg .Values.postgresql.database | quote }}
- name: AIRFLOW__CELERY__WORKER_CONCURRENCY
  value: {{ .Values.worker.concurrency | quote }}
- name: AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL
  value: "30"
- name: AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK
  value: "True"
- name: AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT
  value: "8793"
- name: AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT
  value: "8794"
- name: AIRFLOW_CONN_DATAPARK_POSTGRES
  value: {{ printf "{\"conn_type\": \"postgres\", \"host\": %q, \"port\": %d, \"schema\": %q, \"login\": \"airflow\", \"password\": \"$(AIRFLOW_DB_PASSWORD)\"}" (include "datapark.airflow.v1.postgresHost" .) (int .Values.postgresql.port) .Values.postgresql.dataparkDatabase | quote }}
- name: AIRFLOW_CONN_DATAPARK_SPARK_ETL
  value: {{ printf "{\"conn_type\": \"postgres\", \"host\": %q, \"port\": %d, \"schema\": %q, \"login\": \"spark_etl\", \"password\": \"$(SPARK_ETL_DB_PASSWORD)\"}" (include "datapark.airflow.v1.postgresHost" .) (int .Values.postgresql.port) .Values.postgresql.dataparkDatabase | quote }}
- name: AIRFLOW_CONN_DATAPARK_SPARK_REST
  {{- /* "lake": the batch DAG builds each closed day in the lake too, which needs Iceberg's jars on Spark (global.sparkJars). */}}
  value: {{ printf "{\"conn_type\": \"http\", \"host\": \"%s-master\", \"port\": 6066, \"schema\": \"http\", \"extra\": {\"master_url\": \"spark://%s-master:7077\", \"jobs_dir\": %q, \"lake\": %t}}" $spark $spark .Values.spark.jobsDir (dig "sparkJars" "enabled" false (.Values.global | default dict)) | quote }}
- name: AIRFLOW_CONN_DATAPARK_KAFKA
  value: {{ printf "{\"conn_type\": \"kafka\", \"extra\": {\"bootstrap.servers\": \"%s:9092\", \"group.id\": \"airflow\"}}" (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "kafka")) | quote }}
{{- with .Values.extraPipPackages }}
- name: _PIP_ADDITIONAL_REQUIREMENTS
  value: {{ join " " . | quote }}
{{- end }}
{{- if .Values.metrics.enabled }}
{{- /* StatsD to the statsd-exporter, as the local platform's airflowEnvironment() sends it. */}}
- name: AIRFLOW__METRICS__STATSD_ON
  value: "True"
- name: AIRFLOW__METRICS__STATSD_HOST
  value: {{ include "datapark.airflow.v1.statsdName" . }}
- name: AIRFLOW__METRICS__STATSD_PORT
  value: {{ .Values.metrics.statsd.statsdPort | quote }}
- name: AIRFLOW__METRICS__STATSD_PREFIX
  value: airflow
{{- end }}
- name: SCARF_ANALYTICS
  value: "false"
- name: DO_NOT_TRACK
  value: "true"
- name: PYTHONUNBUFFERED
  value: "1"
{{- end -}}

{{- define "datapark.airflow.v1.podSecurityContext" -}}
{{- /* The image's user "airflow" is 50000 in group 0 (the image's files are group-writable for
that reason; group 0 is not root privilege). */ -}}
{{- include "datapark.common.v1.podSecurityContext" (dict "uid" 50000 "gid" 0 "fsGroup" 0) -}}
{{- end -}}

{{/* A read-only root filesystem: every `airflow` command writes a default airflow.cfg into
AIRFLOW_HOME (/opt/airflow) when there is none, and Airflow, gunicorn and the tasks write
temporary files: both are emptyDirs (datapark.airflow.v1.volumes). The one exception is
extraPipPackages: the image's entrypoint pip-installs them into the image's own Python
environment (/home/airflow/.local), which only a writable root filesystem allows. */}}
{{- define "datapark.airflow.v1.containerSecurityContext" -}}
{{- include "datapark.common.v1.containerSecurityContext" (dict "readOnlyRootFilesystem" (empty .Values.extraPipPackages)) -}}
{{- end -}}

{{/* The init container that holds a component back until `airflow db migrate` has run. */}}
{{- define "datapark.airflow.v1.waitForMigrations" -}}
- name: wait-for-migrations
  image: {{ include "datapark.common.v1.image" .Values.image }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  {{- /* Airflow's SimpleAuthManager opens its passwords file read-write (r+ at every login, a+
  at start), which a Secret's read-only volume refuses: the file is copied from the Secret into
  AIRFLOW_HOME (an emptyDir the pod's containers share) first. The image's entrypoint runs a
  command that starts with bash as it is. */}}
  args:
    - bash
    - -c
    - install -m 600 -D /opt/datapark/airflow-auth/passwords.json /opt/airflow/auth/passwords.json && exec airflow db check-migrations --migration-wait-timeout 900
  env:
    {{- include "datapark.airflow.v1.env" . | nindent 4 }}
  resources:
    {{- toYaml .Values.migrations.resources | nindent 4 }}
  securityContext:
    {{- include "datapark.airflow.v1.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    {{- include "datapark.airflow.v1.volumeMounts" . | nindent 4 }}
{{- end -}}

{{/* Volumes every Airflow pod mounts: AIRFLOW_HOME and /tmp (writable; the root filesystem is
read-only), the passwords file, task logs, the DAGs. */}}
{{- define "datapark.airflow.v1.volumes" -}}
- name: home
  emptyDir: {}
- name: tmp
  emptyDir: {}
- name: auth
  secret:
    secretName: {{ include "datapark.airflow.v1.secretName" . }}
    items:
      - key: passwords.json
        path: passwords.json
- name: logs
  emptyDir: {}
- name: dags
  configMap:
    name: {{ include "datapark.common.v1.componentName" (dict "context" . "component" "dags") }}
    {{- $files := include "datapark.airflow.v1.dagFiles" . | fromJson }}
    {{- if $files }}
    items:
      {{- range $key, $path := $files }}
      - key: {{ $key }}
        path: {{ $path }}
      {{- end }}
    {{- end }}
{{- end -}}

{{- define "datapark.airflow.v1.volumeMounts" -}}
- name: home
  mountPath: /opt/airflow
- name: tmp
  mountPath: /tmp
- name: auth
  mountPath: /opt/datapark/airflow-auth
  readOnly: true
- name: logs
  mountPath: /opt/airflow/logs
- name: dags
  mountPath: /opt/airflow/dags
  readOnly: true
{{- end -}}

{{- define "datapark.airflow.v1.validateValues" -}}
{{- $problems := list -}}
{{- if not (.Files.Get "files/dags/SOURCES.json") -}}
{{- $problems = append $problems "airflow: files/dags/ is missing (the DAGs of apps/airflow-dags). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- $size := 0 -}}
{{- range $path, $content := .Files.Glob "files/dags/**.py" -}}
{{- $size = add $size (len $content) -}}
{{- end -}}
{{- if gt $size 900000 -}}
{{- $problems = append $problems (printf "airflow: the DAG files are %d bytes, over what one ConfigMap holds (1 MiB); bake them into an image instead" $size) -}}
{{- end -}}
{{- if and .Values.metrics.enabled (not (.Files.Get "files/monitoring/statsd-mapping.yml")) -}}
{{- $problems = append $problems "airflow: files/monitoring/statsd-mapping.yml is missing (the statsd-exporter mapping of packages/platform-local/monitoring). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if lt (int .Values.worker.replicas) 1 -}}
{{- $problems = append $problems "airflow.worker.replicas: at least 1 (the Celery executor needs a worker)" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}

{{/* One Airflow component's Deployment: (dict "context" $ "component" "scheduler" "values"
.Values.scheduler "args" (list ...) "ports" (list (dict "name" "health" "port" 8974))
"probe" <probe handler yaml> "probeTimeout" 30); "sparkRestClient" true for the components
that submit to Spark's REST server (they get its signing key); "objectStoreClient" true for the
ones whose tasks may use the object store (its endpoint and keys, DATAPARK_S3_*: the workers, the
only Airflow pods its NetworkPolicy lets in). */}}
{{- define "datapark.airflow.v1.deployment" -}}
{{- $ctx := .context -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "datapark.common.v1.componentName" (dict "context" $ctx "component" .component) }}
  labels:
    {{- include "datapark.common.v1.labels" (dict "context" $ctx "component" .component) | nindent 4 }}
spec:
  replicas: {{ .values.replicas }}
  selector:
    matchLabels:
      {{- include "datapark.common.v1.selectorLabels" (dict "context" $ctx "component" .component) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "datapark.common.v1.labels" (dict "context" $ctx "component" .component) | nindent 8 }}
      annotations:
        checksum/dags: {{ include (print $ctx.Template.BasePath "/shared/dags-configmap.yaml") $ctx | sha256sum }}
    spec:
      automountServiceAccountToken: false
      {{- if .terminationGracePeriodSeconds }}
      terminationGracePeriodSeconds: {{ .terminationGracePeriodSeconds }}
      {{- end }}
      securityContext:
        {{- include "datapark.airflow.v1.podSecurityContext" $ctx | nindent 8 }}
      {{- with include "datapark.common.v1.podAntiAffinity" (dict "context" $ctx "component" .component "replicas" .values.replicas) }}
      {{- . | nindent 6 }}
      {{- end }}
      initContainers:
        {{- include "datapark.airflow.v1.waitForMigrations" $ctx | nindent 8 }}
      containers:
        - name: {{ .component }}
          image: {{ include "datapark.common.v1.image" $ctx.Values.image }}
          imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
          args:
            {{- toYaml .args | nindent 12 }}
          env:
            {{- include "datapark.airflow.v1.env" $ctx | nindent 12 }}
            {{- if .sparkRestClient }}
            {{- include "datapark.airflow.v1.sparkRestEnv" $ctx | nindent 12 }}
            {{- end }}
            {{- if .objectStoreClient }}
            {{- include "datapark.common.v1.objectstoreEnv" (dict "context" $ctx "values" $ctx.Values.objectstore) | nindent 12 }}
            {{- end }}
          {{- with .ports }}
          ports:
            {{- range . }}
            - name: {{ .name }}
              containerPort: {{ .port }}
            {{- end }}
          {{- end }}
          {{- /* An exec probe starts a Python that imports Airflow or Celery (seconds of CPU):
          run back to back every 10 s in four pods, as the startup probes were, they kept a
          2-core node busy enough that the probes themselves timed out (seen on the one-node
          cluster). Those components pass startupPeriod 30, with the same 5 minutes to start. */}}
          startupProbe:
            {{- .probe | nindent 12 }}
            periodSeconds: {{ .startupPeriod | default 10 }}
            timeoutSeconds: {{ .probeTimeout | default 5 }}
            failureThreshold: {{ div 300 (.startupPeriod | default 10) }}
          readinessProbe:
            {{- .probe | nindent 12 }}
            periodSeconds: {{ .probePeriod | default 15 }}
            timeoutSeconds: {{ .probeTimeout | default 5 }}
          livenessProbe:
            {{- .probe | nindent 12 }}
            periodSeconds: {{ .probePeriod | default 30 }}
            timeoutSeconds: {{ .probeTimeout | default 5 }}
            failureThreshold: 5
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          securityContext:
            {{- include "datapark.airflow.v1.containerSecurityContext" $ctx | nindent 12 }}
          volumeMounts:
            {{- include "datapark.airflow.v1.volumeMounts" $ctx | nindent 12 }}
      volumes:
        {{- include "datapark.airflow.v1.volumes" $ctx | nindent 8 }}
{{- end -}}

{{/* A PodDisruptionBudget for one component: (dict "context" $ "component" "worker" "replicas" 2).
Several replicas: keep at least one; a single one may go. */}}
{{- define "datapark.airflow.v1.pdb" -}}
{{- if .context.Values.pdb.enabled -}}
{{- include "datapark.common.v1.podDisruptionBudget" (dict "context" .context "component" .component "name" (include "datapark.common.v1.componentName" (dict "context" .context "component" .component)) "minAvailable" (ternary 1 0 (gt (int .replicas) 1))) -}}
{{- end -}}
{{- end -}}
