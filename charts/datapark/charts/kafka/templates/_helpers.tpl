{{- define "datapark.kafka.v1.headless" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "headless") -}}
{{- end -}}

{{/* The Secret holding "cluster-id": the user's (existingSecret) or the generated one. */}}
{{- define "datapark.kafka.v1.secretName" -}}
{{- .Values.existingSecret | default (include "datapark.common.v1.fullname" .) -}}
{{- end -}}

{{/* The fully qualified name of node `ordinal`: (dict "context" $ "ordinal" 0). */}}
{{- define "datapark.kafka.v1.nodeHost" -}}
{{- $ctx := .context -}}
{{- printf "%s-%d.%s.%s.svc.%s" (include "datapark.common.v1.fullname" $ctx) (int .ordinal) (include "datapark.kafka.v1.headless" $ctx) $ctx.Release.Namespace $ctx.Values.global.clusterDomain -}}
{{- end -}}

{{/* host:port of every broker, comma-separated: what clients bootstrap from. */}}
{{- define "datapark.kafka.v1.bootstrapServers" -}}
{{- $hosts := list -}}
{{- range $i := until (int .Values.replicas) -}}
{{- $hosts = append $hosts (printf "%s:%d" (include "datapark.kafka.v1.nodeHost" (dict "context" $ "ordinal" $i)) (int $.Values.ports.broker)) -}}
{{- end -}}
{{- join "," $hosts -}}
{{- end -}}

{{- define "datapark.kafka.v1.quorumVoters" -}}
{{- $voters := list -}}
{{- range $i := until (int .Values.replicas) -}}
{{- $voters = append $voters (printf "%d@%s:%d" $i (include "datapark.kafka.v1.nodeHost" (dict "context" $ "ordinal" $i)) (int $.Values.ports.controller)) -}}
{{- end -}}
{{- join "," $voters -}}
{{- end -}}

{{/* The topics of files/topics/topics.json (the events catalog, dead-letter topics included). */}}
{{- define "datapark.kafka.v1.topics" -}}
{{- toJson ((.Files.Get "files/topics/topics.json" | default "{}" | fromJson).topics | default list) -}}
{{- end -}}

{{- define "datapark.kafka.v1.podMonitors" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.metrics.enabled "mode" .Values.metrics.podMonitor) -}}
{{- end -}}

{{- define "datapark.kafka.v1.lagExporterName" -}}
{{- include "datapark.common.v1.componentName" (dict "context" . "component" "lag-exporter") -}}
{{- end -}}

{{/* "true" when the lag exporter's PodMonitor renders (lagExporter.podMonitor, as metrics.podMonitor). */}}
{{- define "datapark.kafka.v1.lagExporterPodMonitor" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.lagExporter.enabled "mode" .Values.lagExporter.podMonitor) -}}
{{- end -}}

{{/* Where the init container puts the JMX exporter agent's jar, and the broker loads it from. */}}
{{- define "datapark.kafka.v1.jmxAgentJar" -}}
{{- .Values.metrics.jmxExporter.jarInImage | default "/opt/jmx-exporter/jmx_prometheus_javaagent.jar" -}}
{{- end -}}

{{/* "true" when the brokers' metrics need the agent downloaded (no jarInImage): the init container, its emptyDir, its egress. */}}
{{- define "datapark.kafka.v1.downloadsJmxAgent" -}}
{{- if and .Values.metrics.enabled (not .Values.metrics.jmxExporter.jarInImage) -}}true{{- end -}}
{{- end -}}

{{- define "datapark.kafka.v1.validateValues" -}}
{{- $problems := list -}}
{{- if and .Values.metrics.enabled (not (.Files.Get "files/monitoring/kafka-jmx-exporter.yml")) -}}
{{- $problems = append $problems "kafka: files/monitoring/kafka-jmx-exporter.yml is missing (the JMX exporter rules of packages/platform-local/monitoring). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- $replicas := int .Values.replicas -}}
{{- if eq (mod $replicas 2) 0 -}}
{{- $problems = append $problems (printf "kafka.replicas: %d is even; the KRaft controller quorum needs an odd number of nodes (1, 3, 5)" $replicas) -}}
{{- end -}}
{{- if .Values.topics.enabled -}}
{{- if not (.Files.Get "files/topics/SOURCES.json") -}}
{{- $problems = append $problems "kafka: files/topics/ is missing (the topics of packages/events). Run: npx nx run charts:sync-files" -}}
{{- else if not (.Files.Get "files/topics/contracts.json") -}}
{{- $problems = append $problems "kafka: files/topics/contracts.json is missing (the contract catalog of packages/events). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- $tooFew := list -}}
{{- range $t := include "datapark.kafka.v1.topics" . | fromJsonArray -}}
{{- if gt (int $t.replicationFactor) $replicas -}}
{{- $tooFew = append $tooFew (printf "%s (%d)" $t.name (int $t.replicationFactor)) -}}
{{- end -}}
{{- end -}}
{{- if $tooFew -}}
{{- $problems = append $problems (printf "kafka.replicas: %d nodes cannot hold these topics of the events catalog, by replication factor: %s (set kafka.replicas to 3, or kafka.topics.enabled=false)" $replicas (join ", " $tooFew)) -}}
{{- end -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
