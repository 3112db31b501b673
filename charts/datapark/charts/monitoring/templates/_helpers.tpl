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

{{- define "datapark.monitoring.v1.validateValues" -}}
{{- $problems := list -}}
{{- if not (.Files.Get "files/rules/SOURCES.json") -}}
{{- $problems = append $problems "monitoring: files/rules/ is missing (the alert rules of packages/platform-local/monitoring/rules). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
