{{/* The rules files of files/rules/ (synced from packages/platform-local/monitoring/rules), as {name: content}. */}}
{{- define "datapark.monitoring.v1.rulesFiles" -}}
{{- $files := dict -}}
{{- range $path, $content := .Files.Glob "files/rules/*.rules.yml" -}}
{{- $_ := set $files (base $path) (toString $content) -}}
{{- end -}}
{{- toJson $files -}}
{{- end -}}

{{/* "true" when the PrometheusRule renders: rules.prometheusRule true, or auto with the
Prometheus Operator's PrometheusRule served by the cluster (helm template: --api-versions). */}}
{{- define "datapark.monitoring.v1.prometheusRule" -}}
{{- $mode := toString .Values.rules.prometheusRule -}}
{{- if or (eq $mode "true") (and (eq $mode "auto") (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/PrometheusRule")) -}}
true
{{- end -}}
{{- end -}}

{{/* "true" when this release runs its own Prometheus and Alertmanager. */}}
{{- define "datapark.monitoring.v1.inChart" -}}
{{- include "datapark.common.v1.inChartPrometheus" . -}}
{{- end -}}

{{- define "datapark.monitoring.v1.prometheusName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "prometheus") -}}
{{- end -}}

{{- define "datapark.monitoring.v1.nodeExporterName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "node-exporter") -}}
{{- end -}}

{{/* "true" when the node exporter's PodMonitor renders (nodeExporter.podMonitor: auto, true, false). */}}
{{- define "datapark.monitoring.v1.nodeExporterPodMonitor" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.nodeExporter.enabled "mode" .Values.nodeExporter.podMonitor) -}}
{{- end -}}

{{- define "datapark.monitoring.v1.alertmanagerName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "alertmanager") -}}
{{- end -}}

{{/* The Secret of both UIs' password and web configuration: the user's (auth.existingSecret) or
the generated one. */}}
{{- define "datapark.monitoring.v1.secretName" -}}
{{- .Values.auth.existingSecret | default (include "datapark.common.v1.fullname" .) -}}
{{- end -}}

{{/* The Secret holding Jupyter's login token ("token"): the jupyter subchart's, which this chart
cannot see, so it is named here too (jupyter.secretName; the umbrella checks that it is
jupyter.auth.existingSecret when that is set). */}}
{{- define "datapark.monitoring.v1.jupyterSecret" -}}
{{- .Values.jupyter.secretName | default (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "jupyter")) -}}
{{- end -}}

{{/* Where Prometheus reads that token (the Secret's key mounted read-only). */}}
{{- define "datapark.monitoring.v1.jupyterTokenFile" -}}
/etc/datapark/jupyter/token
{{- end -}}

{{/* The user both UIs let in (as the local platform's). */}}
{{- define "datapark.monitoring.v1.username" -}}
datapark
{{- end -}}

{{/* What the in-chart Prometheus scrapes in the release, one job per kind of process, named as
the local platform's jobs (packages/platform-local/src/monitoring/prometheus-config.ts), which
the alert rules and dashboards name: the pods of `chart`/`component`, on the container port
named `port`, at `path`. Prometheus itself and Alertmanager are scraped by name besides. Jobs of
a component that is turned off find no pod. StatsD arrives through statsd-exporters, and the jobs
split their series by name as the local platform's one exporter's (STATSD_JOBS there): `keep`,
the prefix of the only series a sender's job takes (versitygw_* for the object store, superset_*
for Superset, metrics_datapark_* and datapark_streaming_* for the Spark applications' drivers and
executors and the streaming job's progress, each from its own sidecar); `dropKept`, a job that drops every prefix another job
keeps (Airflow's exporter, which takes the rest: Airflow's and the ETL driver's datapark_*);
`notShared`, a keep that is no split of Airflow's exporter: the Spark applications' series
(locally their drivers' PrometheusServlet) and the streaming job's progress gauge, whose
`datapark_streaming_running` partner comes through Airflow's exporter, which must keep it.
`tokenFile`: jupyter_server's own /metrics on Jupyter's HTTP port answers only with the login
token (`Authorization: token …`), read from the token's Secret mounted there. */}}
{{- define "datapark.monitoring.v1.scrapeTargets" -}}
- { job: node, chart: monitoring, component: node-exporter, port: metrics, path: /metrics }
- { job: kafka, chart: kafka, component: broker, port: metrics, path: /metrics }
- { job: kafka-lag, chart: kafka, component: lag-exporter, port: metrics, path: /metrics }
- { job: spark-master, chart: spark, component: master, port: ui, path: /metrics/master/prometheus/ }
- { job: spark-worker, chart: spark, component: worker, port: ui, path: /metrics/prometheus/ }
- { job: spark-app, chart: spark, component: worker, port: metrics, path: /metrics, keep: "(metrics_datapark|datapark_streaming)", notShared: true }
- { job: postgres, chart: postgresql, component: postgresql, port: metrics, path: /metrics }
- { job: redis, chart: airflow, component: redis, port: metrics, path: /metrics }
- { job: airflow, chart: airflow, component: statsd, port: metrics, path: /metrics, dropKept: true }
- { job: objectstore, chart: objectstore, component: objectstore, port: metrics, path: /metrics, keep: versitygw }
- { job: superset, chart: superset, component: superset, port: metrics, path: /metrics, keep: superset }
{{- if .Values.jupyter.scrape }}
- { job: jupyter, chart: jupyter, component: jupyter, port: http, path: /metrics, tokenFile: {{ include "datapark.monitoring.v1.jupyterTokenFile" . }} }
{{- end }}
{{- end -}}

{{/* A readiness or liveness check of Prometheus or Alertmanager: /-/ready (or /-/healthy) behind
their own basic auth, which an httpGet probe could pass only with the password in the pod spec.
BusyBox's wget of the images reads it from the mounted Secret. (dict "context" $ "port" 9090 "path" "/-/ready") */}}
{{- define "datapark.monitoring.v1.probe" -}}
exec:
  command:
    - sh
    - -c
    - {{ printf `wget -q -O /dev/null "http://%s:$(cat /etc/datapark/auth/password)@127.0.0.1:%d%s"` (include "datapark.monitoring.v1.username" .context) (int .port) .path | quote }}
{{- end -}}

{{- define "datapark.monitoring.v1.validateValues" -}}
{{- $problems := list -}}
{{- if not (.Files.Get "files/rules/SOURCES.json") -}}
{{- $problems = append $problems "monitoring: files/rules/ is missing (the alert rules of packages/platform-local/monitoring/rules). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if include "datapark.monitoring.v1.inChart" . -}}
{{- if not (.Files.Get "files/dashboards/SOURCES.json") -}}
{{- $problems = append $problems "monitoring: files/dashboards/ is missing (the console templates of packages/platform-local/monitoring). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
