{{/*
Data Park's shared helpers, included by every subchart through the `common` library chart.
Names are namespaced (`datapark.common.v1.*`) so a chart can move to v2 helpers one at a time,
and every generated name is truncated to 63 characters, the DNS-label limit of Kubernetes.
*/}}

{{/* A name cut to 63 characters, the DNS-label limit. A longer name keeps its first 54
characters and gets 8 of its sha256 in place of the rest, so two long names that share a
prefix (dp-airflow-scheduler, dp-airflow-api-server) stay distinct. */}}
{{- define "datapark.common.v1.dnsName" -}}
{{- if gt (len .) 63 -}}
{{- printf "%s-%s" (trunc 54 . | trimSuffix "-") (sha256sum . | trunc 8) -}}
{{- else -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/* <release>-<chart>, e.g. "dp-kafka". Every Data Park chart names its objects this way, so a
chart can find a sibling's Service or Secret without seeing its values. */}}
{{- define "datapark.common.v1.fullname" -}}
{{- include "datapark.common.v1.dnsName" (printf "%s-%s" .Release.Name .Chart.Name) -}}
{{- end -}}

{{/* The fullname of a sibling chart: (dict "context" $ "chart" "postgresql"). */}}
{{- define "datapark.common.v1.chartFullname" -}}
{{- include "datapark.common.v1.dnsName" (printf "%s-%s" .context.Release.Name .chart) -}}
{{- end -}}

{{/* The name of one component's objects: (dict "context" $ "component" "master") gives
"dp-spark-master". */}}
{{- define "datapark.common.v1.componentName" -}}
{{- include "datapark.common.v1.dnsName" (printf "%s-%s-%s" .context.Release.Name .context.Chart.Name .component) -}}
{{- end -}}

{{- define "datapark.common.v1.chartLabel" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: (dict "context" $ "component" "broker"). Stable across upgrades. */}}
{{- define "datapark.common.v1.selectorLabels" -}}
app.kubernetes.io/name: {{ .context.Chart.Name }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The common label set of every Data Park object. */}}
{{- define "datapark.common.v1.labels" -}}
{{ include "datapark.common.v1.selectorLabels" . }}
app.kubernetes.io/part-of: datapark
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | default .context.Chart.Version | quote }}
helm.sh/chart: {{ include "datapark.common.v1.chartLabel" .context }}
{{- end -}}

{{/* "repository:tag" from an image value {repository, tag}. The schema refuses an empty tag and
"latest"; this fails too, for a chart rendered with --skip-schema-validation. */}}
{{- define "datapark.common.v1.image" -}}
{{- if or (not .tag) (eq (toString .tag) "latest") -}}
{{- fail (printf "image %s: pin a version tag (got %q)" .repository (toString .tag)) -}}
{{- end -}}
{{- printf "%s:%s" .repository (toString .tag) -}}
{{- end -}}

{{/* A generated secret value, base64-encoded, that survives upgrades: the value already in the
cluster's Secret when there is one (`lookup`), else a new random one.
(dict "context" $ "secret" "dp-postgresql" "key" "admin-password" "length" 32): `length`
alphanumeric characters. With "format" "base64url": `length` random bytes, base64url-encoded
without padding (a key for HMAC, e.g. HS256 needs 32 bytes).
`helm template` has no cluster, so it generates a new value on every render: a GitOps tool that
renders with `helm template` sets the chart's existingSecret values instead. */}}
{{- define "datapark.common.v1.secretValue" -}}
{{- $existing := lookup "v1" "Secret" .context.Release.Namespace .secret -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else if eq (.format | default "alphanumeric") "base64url" -}}
{{- randBytes (int (default 32 .length)) | replace "+" "-" | replace "/" "_" | trimAll "=" | b64enc -}}
{{- else -}}
{{- randAlphaNum (int (default 32 .length)) | b64enc -}}
{{- end -}}
{{- end -}}

{{/* The pod anti-affinity of a workload with several replicas (nothing for one): preferably one
pod per node, so a node going down takes one replica, not all. (dict "context" $ "component"
"worker" "replicas" 3); the whole `affinity:` key. Preferred, not required: a cluster with fewer
nodes than replicas still schedules them all. */}}
{{- define "datapark.common.v1.podAntiAffinity" -}}
{{- if gt (int .replicas) 1 -}}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "datapark.common.v1.selectorLabels" (dict "context" .context "component" .component) | nindent 14 }}
{{- end -}}
{{- end -}}

{{/* A PodDisruptionBudget over one component's pods: (dict "context" $ "component" "worker"
"name" "dp-spark-worker" "minAvailable" 1), or "maxUnavailable" n (the default: 1).
unhealthyPodEvictionPolicy AlwaysAllow: a pod that is running but not ready (crash-looping, stuck
starting) may always be evicted, so a broken pod never blocks a node drain; the default
(IfHealthyBudget) evicts it only while the budget is met, which a broken pod prevents.
https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy */}}
{{- define "datapark.common.v1.podDisruptionBudget" -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  labels:
    {{- include "datapark.common.v1.labels" (dict "context" .context "component" .component) | nindent 4 }}
spec:
  {{- if .minAvailable }}
  minAvailable: {{ .minAvailable }}
  {{- else }}
  maxUnavailable: {{ .maxUnavailable | default 1 }}
  {{- end }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "datapark.common.v1.selectorLabels" (dict "context" .context "component" .component) | nindent 6 }}
{{- end -}}

{{/* The pod securityContext of Pod Security "restricted": (dict "uid" 1000 "gid" 1000). */}}
{{- define "datapark.common.v1.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .gid }}
fsGroup: {{ .fsGroup | default .gid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The container securityContext of Pod Security "restricted". (dict "readOnlyRootFilesystem"
true); a chart that passes false says why next to the call. */}}
{{- define "datapark.common.v1.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .readOnlyRootFilesystem }}
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The hook annotations of an init Job (the whole `annotations:` key, or nothing): (dict "context" $ "weight" -5). With hooks.enabled false
the Job is a plain object, for `helm install --wait` and GitOps tools that run no hooks. */}}
{{- define "datapark.common.v1.jobAnnotations" -}}
{{- if .context.Values.global.hooks.enabled -}}
annotations:
  helm.sh/hook: post-install,post-upgrade
  helm.sh/hook-weight: {{ .weight | quote }}
  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}
{{- end -}}

{{/* An Ingress for one UI, behind basic auth, named like its Service: (dict "context" $
"component" "master" "host" "spark" "service" "dp-spark-master" "port" 8080). Reads
.Values.global.ingress. "ownBasicAuth" true for a UI that asks for basic auth itself
(Prometheus, Alertmanager): the controller's would ask for a second password in the same
Authorization header, which a browser cannot send. */}}
{{- define "datapark.common.v1.ingress" -}}
{{- $ing := .context.Values.global.ingress -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .name | default .service }}
  labels:
    {{- include "datapark.common.v1.labels" (dict "context" .context "component" .component) | nindent 4 }}
  {{- $controllerAuth := and $ing.basicAuth.enabled (not .ownBasicAuth) }}
  {{- if or $controllerAuth $ing.annotations }}
  annotations:
    {{- if $controllerAuth }}
    # ingress-nginx's basic auth; other controllers take the same Secret (htpasswd format,
    # key "auth") with their own annotations (global.ingress.annotations).
    nginx.ingress.kubernetes.io/auth-type: basic
    nginx.ingress.kubernetes.io/auth-secret: {{ include "datapark.common.v1.basicAuthSecret" .context }}
    nginx.ingress.kubernetes.io/auth-realm: "Data Park"
    {{- end }}
    {{- with $ing.annotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- end }}
spec:
  {{- with $ing.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if $ing.tls.enabled }}
  tls:
    - hosts: [{{ printf "%s.%s" .host $ing.domain | quote }}]
      secretName: {{ $ing.tls.secretName | default (include "datapark.common.v1.dnsName" (printf "%s-tls" .service)) }}
  {{- end }}
  rules:
    - host: {{ printf "%s.%s" .host $ing.domain | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ .service }}
                port:
                  number: {{ .port }}
{{- end -}}

{{/* The htpasswd Secret every UI's Ingress shares; the umbrella chart creates it. */}}
{{- define "datapark.common.v1.basicAuthSecret" -}}
{{- .Values.global.ingress.basicAuth.secretName | default (include "datapark.common.v1.dnsName" (printf "%s-ingress-basic-auth" .Release.Name)) -}}
{{- end -}}

{{/* Ingress from the ingress controller's namespace, for a NetworkPolicy rule when
global.ingress.enabled. */}}
{{- define "datapark.common.v1.ingressControllerPeer" -}}
- namespaceSelector:
    {{- toYaml .Values.global.networkPolicy.ingressControllerNamespaceSelector | nindent 4 }}
{{- end -}}

{{/* A NetworkPolicy peer: pods of this release's chart `chart` and components (a list; empty
means every component of that chart). (dict "context" $ "chart" "airflow" "components" (list "worker")) */}}
{{- define "datapark.common.v1.peer" -}}
{{- if .components -}}
- podSelector:
    matchExpressions:
      - { key: app.kubernetes.io/instance, operator: In, values: [{{ .context.Release.Name | quote }}] }
      - { key: app.kubernetes.io/name, operator: In, values: [{{ .chart | quote }}] }
      - { key: app.kubernetes.io/component, operator: In, values: [{{ range $i, $c := .components }}{{ if $i }}, {{ end }}{{ $c | quote }}{{ end }}] }
{{- else -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .context.Release.Name | quote }}
      app.kubernetes.io/name: {{ .chart | quote }}
{{- end -}}
{{- end -}}

{{/* Pods outside the charts that use the platform (the event generator, the etl-driver) carry
this label to be let in by every component's NetworkPolicy. */}}
{{- define "datapark.common.v1.clientPeer" -}}
- podSelector:
    matchLabels:
      datapark.io/client: "true"
{{- end -}}

{{/* Spark's connector jars (global.sparkJars): the Kafka source, the PostgreSQL JDBC driver,
Apache Iceberg and its AWS bundle, the files tools/jars/spark/jars.lock names (the runtime
closure of tools/jars/spark/pom.xml, what the local platform puts on every Spark classpath),
which a chart receives as files/jars/jars.lock from charts/sync. No official image carries them,
so a pod that runs Spark JVMs downloads them at start into an emptyDir, each checked against the
sha256 of the lock, and puts them on the classpath of every JVM it launches through
SPARK_DIST_CLASSPATH (Spark's launcher appends it to the classpath of spark-submit, of a
worker's drivers and of its executors). */}}
{{- define "datapark.common.v1.sparkJarsDir" -}}
/opt/datapark-jars
{{- end -}}

{{/* The init container that downloads the jars: (dict "context" $ "image" .Values.image), an
image with sh, GNU wget and sha256sum (apache/spark's, Jupyter's). A list item. */}}
{{- define "datapark.common.v1.sparkJarsInitContainer" -}}
{{- $jars := .context.Values.global.sparkJars -}}
- name: spark-jars
  image: {{ include "datapark.common.v1.image" .image }}
  imagePullPolicy: {{ .image.pullPolicy }}
  command:
    - sh
    - -c
    - |
      set -eu
      cd {{ include "datapark.common.v1.sparkJarsDir" . }}
      printf '%s\n' "$JARS_LOCK" | while read -r sum path; do
        case "$sum" in ''|'#'*) continue ;; esac
        file=${path##*/}
        if [ -f "$file" ] && echo "$sum  $file" | sha256sum -c --status -; then continue; fi
        echo "spark-jars: $path"
        if ! wget -q --no-hsts -T 60 -t 3 -O "$file.part" "${REPOSITORY%/}/$path"; then
          echo "spark-jars: could not download ${REPOSITORY%/}/$path (wget failed; is global.sparkJars.peers open to the repository?)" >&2
          exit 1
        fi
        if ! echo "$sum  $file.part" | sha256sum -c --status -; then
          echo "spark-jars: ${REPOSITORY%/}/$path is not the file jars.lock pins (sha256 $sum)" >&2
          exit 1
        fi
        mv "$file.part" "$file"
      done
      echo "spark-jars: $(ls | wc -l) jars in $(pwd)"
  env:
    - name: REPOSITORY
      value: {{ $jars.repository | quote }}
    # "<sha256>  <path in the repository>" per line.
    - name: JARS_LOCK
      value: {{ .context.Files.Get "files/jars/jars.lock" | quote }}
  resources:
    {{- toYaml $jars.resources | nindent 4 }}
  securityContext:
    {{- include "datapark.common.v1.containerSecurityContext" (dict "readOnlyRootFilesystem" true) | nindent 4 }}
  volumeMounts:
    - name: spark-jars
      mountPath: {{ include "datapark.common.v1.sparkJarsDir" . }}
{{- end -}}

{{/* The jars on the classpath of every Spark JVM the container starts: an env list item. */}}
{{- define "datapark.common.v1.sparkJarsEnv" -}}
- name: SPARK_DIST_CLASSPATH
  value: {{ printf "%s/*" (include "datapark.common.v1.sparkJarsDir" .) }}
{{- end -}}

{{/* The jars, read-only in the container that runs Spark: a volumeMounts list item. */}}
{{- define "datapark.common.v1.sparkJarsMount" -}}
- name: spark-jars
  mountPath: {{ include "datapark.common.v1.sparkJarsDir" . }}
  readOnly: true
{{- end -}}

{{/* The jars' volume: a volumes list item. (dict "context" $) */}}
{{- define "datapark.common.v1.sparkJarsVolume" -}}
- name: spark-jars
  emptyDir:
    sizeLimit: {{ .context.Values.global.sparkJars.sizeLimit }}
{{- end -}}

{{/* The TCP port of global.sparkJars.repository: the URL's own, else 443 (https) or 80. */}}
{{- define "datapark.common.v1.sparkJarsPort" -}}
{{- include "datapark.common.v1.urlPort" .Values.global.sparkJars.repository -}}
{{- end -}}

{{/* The egress to the repository that global.sparkJars opens, for one component's pods: a whole
NetworkPolicy. (dict "context" $ "component" "worker" "name" "dp-spark-worker-jars") */}}
{{- define "datapark.common.v1.sparkJarsEgressPolicy" -}}
{{- $jars := .context.Values.global.sparkJars -}}
# global.sparkJars: the pod's init container downloads Spark's connector jars from
# {{ $jars.repository }} at every start. A NetworkPolicy selects pods, not containers: the
# pod's other containers may reach those peers on that port too.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name }}
  labels:
    {{- include "datapark.common.v1.labels" (dict "context" .context "component" .component) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "datapark.common.v1.selectorLabels" (dict "context" .context "component" .component) | nindent 6 }}
  policyTypes: ["Egress"]
  egress:
    - to:
        {{- toYaml $jars.peers | nindent 8 }}
      ports:
        - port: {{ include "datapark.common.v1.sparkJarsPort" .context }}
          protocol: TCP
{{- end -}}

{{/* The object store's endpoint and root keys as @datapark/config and the Python SDK read them
(DATAPARK_S3_*), for a container whose code uses the store: (dict "context" $ "values"
.Values.objectstore), where values holds url, region and secretName ("" for the objectstore
subchart's Service, on its default port, and Secret). The keys are optional: with the object store
turned off the pod still starts, and a client fails naming the missing key. env list items. */}}
{{- define "datapark.common.v1.objectstoreEnv" -}}
{{- $store := include "datapark.common.v1.chartFullname" (dict "context" .context "chart" "objectstore") -}}
- name: DATAPARK_S3_URL
  value: {{ .values.url | default (printf "http://%s:7070" $store) | quote }}
- name: DATAPARK_S3_REGION
  value: {{ .values.region | quote }}
- name: DATAPARK_S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ .values.secretName | default $store }}
      key: access-key-id
      optional: true
- name: DATAPARK_S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .values.secretName | default $store }}
      key: secret-access-key
      optional: true
{{- end -}}

{{/* "true" when the release runs its own Prometheus and Alertmanager (the monitoring subchart):
global.monitoring.inChartPrometheus true, or auto on a cluster that does not serve the Prometheus
Operator's monitoring.coreos.com/v1 PodMonitor (helm template: --api-versions). Where the
Operator runs, its Prometheus scrapes the PodMonitors instead. Every chart reads it the same way,
so each target's NetworkPolicy lets in the Prometheus that actually scrapes it. */}}
{{- define "datapark.common.v1.inChartPrometheus" -}}
{{- $mode := toString (dig "monitoring" "inChartPrometheus" "auto" .Values.global) -}}
{{- if or (eq $mode "true") (and (eq $mode "auto") (not (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/PodMonitor"))) -}}
true
{{- end -}}
{{- end -}}

{{/* "true" when a chart renders its PodMonitors: its metrics on, and its `podMonitor` value true,
or auto with the Prometheus Operator's PodMonitor served by the cluster.
(dict "context" $ "enabled" .Values.metrics.enabled "mode" .Values.metrics.podMonitor) */}}
{{- define "datapark.common.v1.podMonitors" -}}
{{- $mode := toString .mode -}}
{{- if and .enabled (or (eq $mode "true") (and (eq $mode "auto") (.context.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/PodMonitor"))) -}}
true
{{- end -}}
{{- end -}}

{{/* The NetworkPolicy peers that may scrape a chart's metrics port: the release's own Prometheus
when it runs (datapark.common.v1.inChartPrometheus); the cluster's Prometheus
(global.monitoring.clusterPrometheus) when the release runs none, or when this chart renders
PodMonitors for the Operator's. (dict "context" $ "podMonitors" (include "datapark.common.v1.podMonitors" ...)) */}}
{{- define "datapark.common.v1.prometheusPeers" -}}
{{- include "datapark.common.v1.prometheusPeerList" . | trim -}}
{{- end -}}

{{- define "datapark.common.v1.prometheusPeerList" -}}
{{- $ctx := .context -}}
{{- $inChart := include "datapark.common.v1.inChartPrometheus" $ctx -}}
{{- if $inChart }}
{{ include "datapark.common.v1.peer" (dict "context" $ctx "chart" "monitoring" "components" (list "prometheus")) }}
{{- end }}
{{- if or .podMonitors (not $inChart) }}
{{- $cluster := dig "monitoring" "clusterPrometheus" dict $ctx.Values.global }}
- namespaceSelector:
    {{- toYaml ($cluster.namespaceSelector | default (dict "matchLabels" (dict "kubernetes.io/metadata.name" "monitoring"))) | nindent 4 }}
  podSelector:
    {{- toYaml ($cluster.podSelector | default (dict "matchLabels" (dict "app.kubernetes.io/name" "prometheus"))) | nindent 4 }}
{{- end }}
{{- end -}}

{{/* A PodMonitor (Prometheus Operator) over one component's pods, with the job name the alert
rules expect and the `unit` label (the pod) the local platform's targets carry:
(dict "context" $ "component" "broker" "job" "kafka" "port" "metrics" "path" "/metrics"
"interval" "30s"), and "name" where it is not <release>-<chart>-<component>; "keepPrefix" keeps
only the series named <prefix>_* (a statsd-exporter sidecar's sender's, as the in-chart
Prometheus keeps them); "authorization" (dict "type" "token" "secret" <name> "key" <key>) sends
`Authorization: <type> <the Secret's key>`, for an endpoint behind a login (Jupyter's token),
which the Operator's Prometheus reads from the Secret itself. Extra labels from global.monitoring.podMonitorLabels (e.g. the `release`
label kube-prometheus-stack's podMonitorSelector matches). */}}
{{- define "datapark.common.v1.podMonitor" -}}
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: {{ .name | default (include "datapark.common.v1.componentName" (dict "context" .context "component" .component)) }}
  labels:
    {{- include "datapark.common.v1.labels" (dict "context" .context "component" .component) | nindent 4 }}
    {{- with dig "monitoring" "podMonitorLabels" dict .context.Values.global }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "datapark.common.v1.selectorLabels" (dict "context" .context "component" .component) | nindent 6 }}
  podMetricsEndpoints:
    - port: {{ .port }}
      path: {{ .path }}
      interval: {{ .interval }}
      {{- with .authorization }}
      authorization:
        type: {{ .type }}
        credentials:
          name: {{ .secret }}
          key: {{ .key }}
      {{- end }}
      relabelings:
        - action: replace
          targetLabel: job
          replacement: {{ .job }}
        - action: replace
          sourceLabels: [__meta_kubernetes_pod_name]
          targetLabel: unit
      {{- with .keepPrefix }}
      metricRelabelings:
        - action: keep
          sourceLabels: [__name__]
          regex: {{ printf "%s_.*" . | quote }}
      {{- end }}
{{- end -}}

{{/* The TCP port a URL connects to: its explicit port, else 443 for https and 80 otherwise (for a
NetworkPolicy egress rule to where an init container downloads from). */}}
{{- define "datapark.common.v1.urlPort" -}}
{{- $url := urlParse . -}}
{{- $hostPort := splitList ":" $url.host -}}
{{- if gt (len $hostPort) 1 -}}
{{- last $hostPort | int -}}
{{- else -}}
{{- ternary 443 80 (eq $url.scheme "https") -}}
{{- end -}}
{{- end -}}


{{/* A statsd_exporter sidecar for a component that sends StatsD and serves no /metrics of its own
(the object store, Superset): (dict "context" $ "values" .Values.metrics.statsd "configMap"
"dp-objectstore-statsd"). It takes StatsD on 127.0.0.1 only, so the packets never cross the pod
network and no other pod can write into the component's series; Prometheus scrapes its `metrics`
port. The mapping is the local platform's (packages/platform-local/monitoring/statsd-mapping.yml,
files/monitoring/ of the chart, copied by `npx nx run charts:sync-files`); "extraArgs", flags
after those. A containers list item. */}}
{{- define "datapark.common.v1.statsdExporterContainer" -}}
- name: statsd-exporter
  image: {{ include "datapark.common.v1.image" .values.image }}
  imagePullPolicy: {{ .values.image.pullPolicy }}
  args:
    - --web.listen-address=:{{ .values.port }}
    - --statsd.listen-udp=127.0.0.1:{{ .values.statsdPort }}
    # UDP only: neither sender speaks StatsD over TCP.
    - --statsd.listen-tcp=
    - --statsd.mapping-config=/etc/statsd/statsd-mapping.yml
    {{- range .extraArgs }}
    - {{ . }}
    {{- end }}
  ports:
    - name: metrics
      containerPort: {{ .values.port }}
  startupProbe:
    httpGet:
      path: /-/ready
      port: metrics
    periodSeconds: 5
    failureThreshold: 30
  readinessProbe:
    httpGet:
      path: /-/ready
      port: metrics
    periodSeconds: 15
  livenessProbe:
    httpGet:
      path: /-/healthy
      port: metrics
    periodSeconds: 30
    failureThreshold: 4
  resources:
    {{- toYaml .values.resources | nindent 4 }}
  securityContext:
    {{- include "datapark.common.v1.containerSecurityContext" (dict "readOnlyRootFilesystem" true) | nindent 4 }}
  volumeMounts:
    - name: statsd-mapping
      mountPath: /etc/statsd
      readOnly: true
{{- end -}}

{{/* The sidecar's mapping, a volumes list item: (dict "configMap" "dp-objectstore-statsd"). */}}
{{- define "datapark.common.v1.statsdExporterVolume" -}}
- name: statsd-mapping
  configMap:
    name: {{ .configMap }}
{{- end -}}

{{/* The ConfigMap of the sidecar's mapping: (dict "context" $ "name" "dp-objectstore-statsd"
"component" "objectstore"). A whole object. */}}
{{- define "datapark.common.v1.statsdExporterConfigMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .name }}
  labels:
    {{- include "datapark.common.v1.labels" (dict "context" .context "component" .component) | nindent 4 }}
data:
  statsd-mapping.yml: {{ .context.Files.Get "files/monitoring/statsd-mapping.yml" | toJson }}
{{- end -}}
