{{/* The umbrella's checks across components: every problem gathered, one failure. Each
subchart checks its own values the same way (charts/<component>/templates/_helpers.tpl). */}}
{{- define "datapark.v1.validateValues" -}}
{{- $problems := list -}}
{{- if and .Values.airflow.enabled (not .Values.postgresql.enabled) (not .Values.airflow.postgresql.host) -}}
{{- $problems = append $problems "airflow.enabled: Airflow keeps its metadata in PostgreSQL; enable postgresql or set airflow.postgresql.host and airflow.postgresql.secretName" -}}
{{- end -}}
{{- if and .Values.global.ingress.enabled (not .Values.global.ingress.domain) -}}
{{- $problems = append $problems "global.ingress.domain: required when global.ingress.enabled (the UIs are served at <ui>.<domain>)" -}}
{{- end -}}
{{- /* A StatefulSet's pods carry a controller-revision-hash label of <name>-<10 characters>,
which must fit in 63: the longest StatefulSet name is <release>-airflow-redis. */ -}}
{{- if gt (len .Release.Name) 38 -}}
{{- $problems = append $problems (printf "release name %q: %d characters; Data Park needs at most 38 (its StatefulSets' pod labels are limited to 63)" .Release.Name (len .Release.Name)) -}}
{{- end -}}
{{- if not (or .Values.postgresql.enabled .Values.kafka.enabled .Values.spark.enabled .Values.airflow.enabled .Values.jupyter.enabled) -}}
{{- $problems = append $problems "every component is disabled: enable at least one of postgresql, kafka, spark, airflow, jupyter" -}}
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
