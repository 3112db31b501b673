{{/* The umbrella's checks across components: every problem gathered, one failure. Each
subchart checks its own values the same way (charts/<component>/templates/_helpers.tpl). */}}
{{- define "datapark.v1.validateValues" -}}
{{- $problems := list -}}
{{- if and .Values.airflow.enabled (not .Values.postgresql.enabled) (not .Values.airflow.postgresql.host) -}}
{{- $problems = append $problems "airflow.enabled: Airflow keeps its metadata in PostgreSQL; enable postgresql or set airflow.postgresql.host and airflow.postgresql.secretName" -}}
{{- end -}}
{{- if and .Values.superset.enabled (not .Values.postgresql.enabled) (not .Values.superset.postgresql.host) -}}
{{- $problems = append $problems "superset.enabled: Superset keeps its metadata in PostgreSQL and reads the data there; enable postgresql or set superset.postgresql.host and superset.postgresql.secretName (or turn Superset off: superset.enabled=false)" -}}
{{- end -}}
{{- $ingress := .Values.global.ingress -}}
{{- if and $ingress.enabled (not $ingress.domain) -}}
{{- $problems = append $problems "global.ingress.domain: required when global.ingress.enabled (the UIs are served at <ui>.<domain>)" -}}
{{- end -}}
{{- if and $ingress.enabled (not $ingress.tls.enabled) (not $ingress.allowInsecureHttp) -}}
{{- $problems = append $problems (printf "global.ingress.tls.enabled: the Ingress would serve the UIs over plain HTTP, so %sthe UIs' own logins (Airflow's password, Jupyter's token) would cross the network in clear; set global.ingress.tls.enabled=true (with global.ingress.tls.secretName, or one certificate Secret per UI), or accept plain HTTP explicitly with global.ingress.allowInsecureHttp=true (a cluster on your own machine, or TLS that ends before the ingress controller)" (ternary "the basic-auth password and " "" $ingress.basicAuth.enabled)) -}}
{{- end -}}
{{- /* A Secret the user supplies (existingSecret) must be the one every consumer reads: the
subcharts cannot see each other's values, so each consumer names it too, and this checks that
they agree. */ -}}
{{- $owners := list -}}
{{- if .Values.postgresql.enabled -}}
{{- $owners = append $owners (dict "owner" "postgresql.auth.existingSecret" "name" (dig "auth" "existingSecret" "" .Values.postgresql) "default" (printf "%s-postgresql" .Release.Name) "consumers" (list (dict "chart" "airflow" "value" "postgresql.secretName" "reads" "the airflow and spark_etl passwords") (dict "chart" "jupyter" "value" "postgresql.secretName" "reads" "the analyst and iceberg passwords") (dict "chart" "superset" "value" "postgresql.secretName" "reads" "the superset and superset_reader passwords") (dict "chart" "spark" "value" "postgresql.secretName" "reads" "the lake catalog's iceberg password"))) -}}
{{- end -}}
{{- if .Values.spark.enabled -}}
{{- $owners = append $owners (dict "owner" "spark.auth.existingSecret" "name" (dig "auth" "existingSecret" "" .Values.spark) "default" (printf "%s-spark" .Release.Name) "consumers" (list (dict "chart" "airflow" "value" "spark.secretName" "reads" "the key that signs Spark REST submissions") (dict "chart" "jupyter" "value" "spark.secretName" "reads" "the key that signs Spark REST submissions"))) -}}
{{- end -}}
{{- if .Values.objectstore.enabled -}}
{{- $reads := "the object store's keys" -}}
{{- $owners = append $owners (dict "owner" "objectstore.auth.existingSecret" "name" (dig "auth" "existingSecret" "" .Values.objectstore) "default" (printf "%s-objectstore" .Release.Name) "consumers" (list (dict "chart" "spark" "value" "objectstore.secretName" "reads" $reads) (dict "chart" "jupyter" "value" "objectstore.secretName" "reads" $reads) (dict "chart" "airflow" "value" "objectstore.secretName" "reads" $reads))) -}}
{{- end -}}
{{- /* The in-chart Prometheus reads Jupyter's token to scrape its /metrics (monitoring.jupyter). */ -}}
{{- if and .Values.jupyter.enabled .Values.monitoring.enabled (dig "jupyter" "scrape" true .Values.monitoring) (include "datapark.common.v1.inChartPrometheus" .) -}}
{{- if not (dig "metrics" "enabled" true .Values.jupyter) -}}
{{- $problems = append $problems "monitoring.jupyter.scrape: the in-chart Prometheus would scrape Jupyter, whose NetworkPolicy lets no Prometheus in with jupyter.metrics.enabled=false; set monitoring.jupyter.scrape=false too (or turn jupyter.metrics.enabled back on)" -}}
{{- end -}}
{{- $owners = append $owners (dict "owner" "jupyter.auth.existingSecret" "name" (dig "auth" "existingSecret" "" .Values.jupyter) "default" (printf "%s-jupyter" .Release.Name) "consumers" (list (dict "chart" "monitoring" "value" "jupyter.secretName" "reads" "Jupyter's login token (job jupyter)"))) -}}
{{- end -}}
{{- range $o := $owners -}}
{{- $expected := $o.name | default (include "datapark.common.v1.dnsName" $o.default) -}}
{{- range $c := $o.consumers -}}
{{- $values := index $.Values $c.chart -}}
{{- if $values.enabled -}}
{{- $path := splitList "." $c.value -}}
{{- $actual := dig (index $path 0) (index $path 1) "" $values | default (include "datapark.common.v1.dnsName" $o.default) -}}
{{- if ne $actual $expected -}}
{{- $problems = append $problems (printf "%s.%s: %s reads %s from Secret %q, but %s makes it %q; set %s.%s=%s" $c.chart $c.value $c.chart $c.reads $actual (ternary $o.owner "the generated Secret" (ne $o.name "")) $expected $c.chart $c.value $expected) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* A StatefulSet's pods carry a controller-revision-hash label of <name>-<10 characters>,
which must fit in 63: the longest StatefulSet name is <release>-airflow-redis. */ -}}
{{- if gt (len .Release.Name) 38 -}}
{{- $problems = append $problems (printf "release name %q: %d characters; Data Park needs at most 38 (its StatefulSets' pod labels are limited to 63)" .Release.Name (len .Release.Name)) -}}
{{- end -}}
{{- if not (or .Values.postgresql.enabled .Values.kafka.enabled .Values.spark.enabled .Values.airflow.enabled .Values.jupyter.enabled .Values.superset.enabled .Values.objectstore.enabled) -}}
{{- $problems = append $problems "every component is disabled: enable at least one of postgresql, kafka, spark, airflow, jupyter, superset, objectstore" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}

{{/* Every pod of this release. */}}
{{- define "datapark.v1.releasePods" -}}
matchLabels:
  app.kubernetes.io/part-of: datapark
  app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}
