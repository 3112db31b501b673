{{/* The Secret holding "secret-key" and "admin-password": the user's (auth.existingSecret) or the generated one. */}}
{{- define "datapark.superset.v1.secretName" -}}
{{- .Values.auth.existingSecret | default (include "datapark.common.v1.fullname" .) -}}
{{- end -}}

{{/* The Secret holding the passwords of the roles superset and superset_reader. */}}
{{- define "datapark.superset.v1.postgresSecret" -}}
{{- .Values.postgresql.secretName | default (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "postgresql")) -}}
{{- end -}}

{{- define "datapark.superset.v1.postgresHost" -}}
{{- .Values.postgresql.host | default (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "postgresql")) -}}
{{- end -}}

{{/* The roles and databases Superset connects with (files/provisioning/names.json, from @datapark/db). */}}
{{- define "datapark.superset.v1.names" -}}
{{- .Files.Get "files/provisioning/names.json" -}}
{{- end -}}

{{/* The files of files/provisioning/ provision.py reads, as {configmap key: path}; "__" stands for "/". */}}
{{- define "datapark.superset.v1.provisioningFiles" -}}
{{- $files := dict -}}
{{- range $path, $_ := .Files.Glob "files/provisioning/{provision.py,assets/**.yaml}" -}}
{{- $rel := trimPrefix "files/provisioning/" $path -}}
{{- $_ := set $files (replace "/" "__" $rel) $rel -}}
{{- end -}}
{{- toJson $files -}}
{{- end -}}

{{/* The environment every Superset container shares: its config file, its home, and what
superset_config.py builds the metadata database's URI from; the secrets through secretKeyRef. */}}
{{- define "datapark.superset.v1.env" -}}
{{- $names := include "datapark.superset.v1.names" . | fromJson -}}
- name: SUPERSET_CONFIG_PATH
  value: /etc/superset/superset_config.py
- name: SUPERSET_HOME
  value: /app/superset_home
- name: HOME
  value: /app/superset_home
- name: PYTHONUNBUFFERED
  value: "1"
# The root filesystem is read-only; the image's modules are compiled at build.
- name: PYTHONDONTWRITEBYTECODE
  value: "1"
- name: DATAPARK_POSTGRES_HOST
  value: {{ include "datapark.superset.v1.postgresHost" . | quote }}
- name: DATAPARK_POSTGRES_PORT
  value: {{ .Values.postgresql.port | quote }}
- name: DATAPARK_SUPERSET_METADATA_USER
  value: {{ $names.metadataRole | quote }}
- name: DATAPARK_SUPERSET_METADATA_DATABASE
  value: {{ $names.metadataDatabase | quote }}
- name: DATAPARK_SUPERSET_METADATA_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "datapark.superset.v1.postgresSecret" . }}
      key: {{ $names.metadataRole }}-password
- name: SUPERSET_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "datapark.superset.v1.secretName" . }}
      key: secret-key
{{- end -}}

{{/* Volumes every Superset container mounts: the configuration (read-only), and its home and
/tmp (emptyDirs: the root filesystem is read-only). */}}
{{- define "datapark.superset.v1.volumeMounts" -}}
- name: config
  mountPath: /etc/superset
  readOnly: true
- name: home
  mountPath: /app/superset_home
- name: tmp
  mountPath: /tmp
{{- end -}}

{{- define "datapark.superset.v1.volumes" -}}
- name: config
  configMap:
    name: {{ include "datapark.common.v1.fullname" . }}
- name: home
  emptyDir:
    sizeLimit: 256Mi
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{/* The statsd-exporter sidecar's mapping ConfigMap. */}}
{{- define "datapark.superset.v1.statsdName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "statsd") -}}
{{- end -}}

{{- define "datapark.superset.v1.podMonitors" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.metrics.enabled "mode" .Values.metrics.podMonitor) -}}
{{- end -}}

{{/* The pod securityContext: the image's user "superset" is 1000 in group 1000. */}}
{{- define "datapark.superset.v1.podSecurityContext" -}}
{{- include "datapark.common.v1.podSecurityContext" (dict "uid" 1000 "gid" 1000) -}}
{{- end -}}

{{- define "datapark.superset.v1.validateValues" -}}
{{- $problems := list -}}
{{- if not (.Files.Get "files/provisioning/SOURCES.json") -}}
{{- $problems = append $problems "superset: files/provisioning/ is missing (provision.py and the dashboards as code of packages/platform-local/superset). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if and .Values.metrics.enabled (not (.Files.Get "files/monitoring/statsd-mapping.yml")) -}}
{{- $problems = append $problems "superset: files/monitoring/statsd-mapping.yml is missing (the statsd-exporter mapping of packages/platform-local/monitoring). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- $size := 0 -}}
{{- range $path, $content := .Files.Glob "files/provisioning/{provision.py,assets/**.yaml}" -}}
{{- $size = add $size (len $content) -}}
{{- end -}}
{{- if gt $size 900000 -}}
{{- $problems = append $problems (printf "superset: provision.py and the dashboards are %d bytes, over what one ConfigMap holds (1 MiB)" $size) -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
