{{- define "datapark.spark.v1.masterName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "master") -}}
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

{{- define "datapark.spark.v1.validateValues" -}}
{{- $problems := list -}}
{{- if lt (int .Values.worker.replicas) 1 -}}
{{- $problems = append $problems "spark.worker.replicas: at least 1 (the REST server runs drivers on workers)" -}}
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
