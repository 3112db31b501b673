{{/* The roles of packages/config whose passwords the Secret holds (admin first, the lake's
Iceberg catalog role last), from files/sql/roles.json. */}}
{{- define "datapark.postgresql.v1.roles" -}}
{{- $roles := .Files.Get "files/sql/roles.json" | fromJson -}}
{{- $all := prepend ($roles.componentRoles | default list) "admin" -}}
{{- with $roles.lakeCatalog }}{{ $all = append $all .role }}{{ end -}}
{{- toJson $all -}}
{{- end -}}

{{/* Superset's login roles (files/sql/roles.json, from @datapark/db): the metadata database's
owner and the read-only role its charts query as. Created by superset.sql with the passwords
<role>-password of the Secret, whether or not the superset chart is enabled (as the airflow role
is): the postgresql chart cannot see its siblings' values. */}}
{{- define "datapark.postgresql.v1.supersetRoles" -}}
{{- $superset := (.Files.Get "files/sql/roles.json" | fromJson).superset | default dict -}}
{{- toJson (list ($superset.metadataRole | default "superset") ($superset.readerRole | default "superset_reader")) -}}
{{- end -}}

{{/* Every role whose password the Secret holds: the platform's, then Superset's. */}}
{{- define "datapark.postgresql.v1.passwordRoles" -}}
{{- toJson (concat (include "datapark.postgresql.v1.roles" . | fromJsonArray) (include "datapark.postgresql.v1.supersetRoles" . | fromJsonArray)) -}}
{{- end -}}

{{- define "datapark.postgresql.v1.secretName" -}}
{{- .Values.auth.existingSecret | default (include "datapark.common.v1.fullname" .) -}}
{{- end -}}

{{/* The login of the PostgreSQL exporter: statistics only (pg_monitor), as the local platform's
(packages/platform-local/src/monitoring/postgres-role.ts, MONITOR_ROLE). */}}
{{- define "datapark.postgresql.v1.monitorRole" -}}
datapark_monitor
{{- end -}}

{{- define "datapark.postgresql.v1.podMonitors" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.metrics.enabled "mode" .Values.metrics.podMonitor) -}}
{{- end -}}

{{/* Every problem with the values, gathered, then one failure that lists them all. */}}
{{- define "datapark.postgresql.v1.validateValues" -}}
{{- $problems := list -}}
{{- if not (.Files.Get "files/sql/SOURCES.json") -}}
{{- $problems = append $problems "postgresql: files/sql/ is missing (the SQL of packages/db). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if and .Values.init.enabled (not .Values.global.hooks.enabled) (lt (int .Values.init.activeDeadlineSeconds) 60) -}}
{{- $problems = append $problems "postgresql.init.activeDeadlineSeconds: at least 60 (the Job waits for the server first)" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
