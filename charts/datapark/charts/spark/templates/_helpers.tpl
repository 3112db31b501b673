{{- define "datapark.spark.v1.masterName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "master") -}}
{{- end -}}

{{/* The Secret holding "rest-secret", the REST submission server's signing key: the user's
(auth.existingSecret) or the generated one. */}}
{{- define "datapark.spark.v1.secretName" -}}
{{- .Values.auth.existingSecret | default (include "datapark.common.v1.fullname" .) -}}
{{- end -}}

{{/* What the lake's jobs (apps/spark-jobs/jobs/lake_*.py) read through @datapark/config's
DATAPARK_* variables, in the workers' environment, which every driver and executor a worker
starts inherits: the Iceberg catalog's PostgreSQL and its role's password, the object store and
its keys. A job turns them into Spark settings of its own session (lake_spark_conf), never into
spark-defaults.conf or a submission's properties, and widens spark.redaction.regex over them. The
Secrets are optional: without PostgreSQL or the object store the workers still start, and a lake
job fails naming the missing key. The local platform's jobs read the same keys from its endpoints
file. */}}
{{- define "datapark.spark.v1.lakeEnv" -}}
{{- $pg := include "datapark.common.v1.chartFullname" (dict "context" . "chart" "postgresql") -}}
- name: DATAPARK_POSTGRES_HOST
  value: {{ .Values.postgresql.host | default $pg | quote }}
- name: DATAPARK_POSTGRES_PORT
  value: "5432"
- name: DATAPARK_LAKE_CATALOG_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.postgresql.secretName | default $pg }}
      key: iceberg-password
      optional: true
{{ include "datapark.common.v1.objectstoreEnv" (dict "context" . "values" .Values.objectstore) }}
{{- end -}}

{{- define "datapark.spark.v1.masterUrl" -}}
{{- printf "spark://%s:%d" (include "datapark.spark.v1.masterName" .) (int .Values.master.ports.rpc) -}}
{{- end -}}

{{/* The volumes and mounts every Spark container shares: the configuration, and writable
emptyDirs where Spark writes (the root filesystem is read-only). */}}
{{- define "datapark.spark.v1.volumeMounts" -}}
- name: conf
  mountPath: /opt/spark/conf
- name: tmp
  mountPath: /tmp
- name: logs
  mountPath: /opt/spark/logs
- name: work
  mountPath: /opt/spark/work
{{- if .Values.eventLog.enabled }}
- name: events
  mountPath: /opt/spark/events
{{- end }}
{{- if .Values.jobs.enabled }}
- name: jobs
  mountPath: /opt/datapark
  readOnly: true
{{- end }}
{{- end -}}

{{/* The files of files/jobs/ (apps/spark-jobs and the events catalog) as {configmap key:
repository path}; "/" cannot be in a key, "__" stands for it. */}}
{{- define "datapark.spark.v1.jobFiles" -}}
{{- $files := dict -}}
{{- range $path, $_ := .Files.Glob "files/jobs/**" -}}
{{- $rel := trimPrefix "files/jobs/" $path -}}
{{- if ne $rel "SOURCES.json" -}}
{{- $_ := set $files (replace "/" "__" $rel) $rel -}}
{{- end -}}
{{- end -}}
{{- toJson $files -}}
{{- end -}}

{{- define "datapark.spark.v1.volumes" -}}
- name: conf
  configMap:
    name: {{ include "datapark.common.v1.fullname" . }}
- name: tmp
  emptyDir: {}
- name: logs
  emptyDir: {}
- name: work
  emptyDir: {}
{{- if .Values.jobs.enabled }}
- name: jobs
  configMap:
    name: {{ include "datapark.common.v1.componentName" (dict "context" . "component" "jobs") }}
    {{- $files := include "datapark.spark.v1.jobFiles" . | fromJson }}
    {{- if $files }}
    items:
      {{- range $key, $path := $files }}
      - key: {{ $key }}
        path: {{ $path }}
      {{- end }}
    {{- end }}
{{- end }}
{{- if .Values.eventLog.enabled }}
- name: events
  persistentVolumeClaim:
    claimName: {{ include "datapark.common.v1.componentName" (dict "context" . "component" "events") }}
{{- end }}
{{- end -}}

{{- define "datapark.spark.v1.podSecurityContext" -}}
{{- /* The image's user "spark" is 185. */ -}}
{{- include "datapark.common.v1.podSecurityContext" (dict "uid" 185 "gid" 185) -}}
{{- end -}}

{{/* "true" when the PodMonitors render: metrics on, and metrics.podMonitor true, or auto with the
Prometheus Operator's PodMonitor served by the cluster (helm template: --api-versions). */}}
{{- define "datapark.spark.v1.podMonitors" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.metrics.enabled "mode" .Values.metrics.podMonitor) -}}
{{- end -}}

{{/* Non-empty when the workers run the statsd-exporter sidecar of the applications' metrics. */}}
{{- define "datapark.spark.v1.applicationMetrics" -}}
{{- if and .Values.metrics.enabled .Values.metrics.applications.enabled -}}true{{- end -}}
{{- end -}}

{{/* The ConfigMap of that sidecar's mapping. */}}
{{- define "datapark.spark.v1.statsdName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "worker-statsd") -}}
{{- end -}}

{{/* The prometheus.io/* annotations of a pod whose web UI serves metrics: (dict "context" $ "port" N "path" P). */}}
{{- define "datapark.spark.v1.scrapeAnnotations" -}}
{{- if .context.Values.metrics.enabled }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: {{ .path }}
{{- end }}
{{- end -}}

{{/* The Prometheus that scrapes (the release's own, or the cluster's), as NetworkPolicy peers. */}}
{{- define "datapark.spark.v1.prometheusPeers" -}}
{{- include "datapark.common.v1.prometheusPeers" (dict "context" . "podMonitors" (include "datapark.spark.v1.podMonitors" .)) -}}
{{- end -}}

{{- define "datapark.spark.v1.validateValues" -}}
{{- $problems := list -}}
{{- if lt (int .Values.worker.replicas) 1 -}}
{{- $problems = append $problems "spark.worker.replicas: at least 1 (the REST server runs drivers on workers)" -}}
{{- end -}}
{{- if .Values.jobs.enabled -}}
{{- if not (.Files.Get "files/jobs/SOURCES.json") -}}
{{- $problems = append $problems "spark: files/jobs/ is missing (the PySpark jobs of apps/spark-jobs). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- $size := 0 -}}
{{- range $path, $content := .Files.Glob "files/jobs/**" -}}
{{- $size = add $size (len $content) -}}
{{- end -}}
{{- if gt $size 900000 -}}
{{- $problems = append $problems (printf "spark: the job files are %d bytes, over what one ConfigMap holds (1 MiB); bake them into an image instead" $size) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.global.sparkJars.enabled (not (.Files.Get "files/jars/jars.lock")) -}}
{{- $problems = append $problems "spark: files/jars/jars.lock is missing (the connector jars of tools/jars/spark, for global.sparkJars). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if and .Values.historyServer.enabled (not .Values.eventLog.enabled) -}}
{{- $problems = append $problems "spark.historyServer.enabled: needs spark.eventLog.enabled (the history server reads the event logs)" -}}
{{- end -}}
{{- if and (gt (int .Values.worker.replicas) 1) .Values.eventLog.enabled (eq .Values.eventLog.accessMode "ReadWriteOnce") -}}
{{- /* Not an error: a single-node cluster mounts a ReadWriteOnce volume in every pod. */ -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
