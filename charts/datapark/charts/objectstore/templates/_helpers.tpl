{{/* The Secret holding the root account's keys ("access-key-id", "secret-access-key"): the
user's (auth.existingSecret) or the generated one. */}}
{{- define "datapark.objectstore.v1.secretName" -}}
{{- .Values.auth.existingSecret | default (include "datapark.common.v1.fullname" .) -}}
{{- end -}}

{{/* Where the gateway keeps the buckets: a folder of the volume, not its root (a provisioner may
put lost+found there, which the POSIX backend would list as a bucket). */}}
{{- define "datapark.objectstore.v1.bucketsDir" -}}
/var/lib/versitygw/buckets
{{- end -}}

{{/* Where versitygw answers its health check (GET, no signature): as the local platform
(packages/platform-local/src/objectstore/server.ts, HEALTH_PATH). */}}
{{- define "datapark.objectstore.v1.healthPath" -}}
/health
{{- end -}}

{{/* The statsd-exporter sidecar's mapping ConfigMap. */}}
{{- define "datapark.objectstore.v1.statsdName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "statsd") -}}
{{- end -}}

{{- define "datapark.objectstore.v1.podMonitors" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.metrics.enabled "mode" .Values.metrics.podMonitor) -}}
{{- end -}}

{{- define "datapark.objectstore.v1.podSecurityContext" -}}
{{- /* The image sets no user (it would run as root); any non-root user serves the volume, which
fsGroup makes writable: 1000, as Versity's own chart runs it. */ -}}
{{- include "datapark.common.v1.podSecurityContext" (dict "uid" 1000 "gid" 1000) -}}
{{- end -}}

{{/* Every problem with the values, gathered, then one failure that lists them all. */}}
{{- define "datapark.objectstore.v1.validateValues" -}}
{{- $problems := list -}}
{{- range $b := .Values.buckets -}}
{{- if not (regexMatch "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$" $b) -}}
{{- $problems = append $problems (printf "objectstore.buckets: %q is not an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit)" $b) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.init.enabled (not .Values.global.hooks.enabled) (lt (int .Values.init.activeDeadlineSeconds) 60) -}}
{{- $problems = append $problems "objectstore.init.activeDeadlineSeconds: at least 60 (the Job waits for the gateway first)" -}}
{{- end -}}
{{- if and .Values.metrics.enabled (not (.Files.Get "files/monitoring/statsd-mapping.yml")) -}}
{{- $problems = append $problems "objectstore: files/monitoring/statsd-mapping.yml is missing (the statsd-exporter mapping of packages/platform-local/monitoring). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
