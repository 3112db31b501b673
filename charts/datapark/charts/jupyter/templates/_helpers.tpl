{{/* The Secret holding JupyterLab's "token": the user's (auth.existingSecret) or the generated one. */}}
{{- define "datapark.jupyter.v1.secretName" -}}
{{- .Values.auth.existingSecret | default (include "datapark.common.v1.fullname" .) -}}
{{- end -}}

{{/* "true" when the PodMonitor renders (metrics.podMonitor: auto, true, false). */}}
{{- define "datapark.jupyter.v1.podMonitors" -}}
{{- include "datapark.common.v1.podMonitors" (dict "context" . "enabled" .Values.metrics.enabled "mode" .Values.metrics.podMonitor) -}}
{{- end -}}

{{/* The Secret holding the analyst role's password ("analyst-password"). */}}
{{- define "datapark.jupyter.v1.postgresSecret" -}}
{{- .Values.postgresql.secretName | default (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "postgresql")) -}}
{{- end -}}

{{/* The Secret holding the Spark REST submission server's signing key ("rest-secret"). */}}
{{- define "datapark.jupyter.v1.sparkSecret" -}}
{{- .Values.spark.secretName | default (include "datapark.common.v1.chartFullname" (dict "context" . "chart" "spark")) -}}
{{- end -}}

{{/* The Python SDK's files of files/python-sdk/ as {configmap key: path}; "__" stands for "/". */}}
{{- define "datapark.jupyter.v1.pythonSdkFiles" -}}
{{- $files := dict -}}
{{- range $path, $_ := .Files.Glob "files/python-sdk/**.py" -}}
{{- $rel := trimPrefix "files/python-sdk/" $path -}}
{{- $_ := set $files (replace "/" "__" $rel) $rel -}}
{{- end -}}
{{- toJson $files -}}
{{- end -}}

{{- define "datapark.jupyter.v1.validateValues" -}}
{{- $problems := list -}}
{{- if not (.Files.Get "files/notebooks/SOURCES.json") -}}
{{- $problems = append $problems "jupyter: files/notebooks/ is missing (the notebooks of apps/notebooks). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if not (.Files.Get "files/python-sdk/SOURCES.json") -}}
{{- $problems = append $problems "jupyter: files/python-sdk/ is missing (the Python SDK of packages/python-sdk). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- $size := 0 -}}
{{- range $path, $content := .Files.Glob "files/notebooks/*.ipynb" -}}
{{- $size = add $size (len $content) -}}
{{- end -}}
{{- if gt $size 900000 -}}
{{- $problems = append $problems (printf "jupyter: the notebooks are %d bytes, over what one ConfigMap holds (1 MiB); clear their outputs" $size) -}}
{{- end -}}
{{- if and .Values.global.sparkJars.enabled (not (.Files.Get "files/jars/jars.lock")) -}}
{{- $problems = append $problems "jupyter: files/jars/jars.lock is missing (the connector jars of tools/jars/spark, for global.sparkJars). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- if .Values.typescriptKernel.enabled -}}
{{- if not (.Files.Get "files/sdk/SOURCES.json") -}}
{{- $problems = append $problems "jupyter: files/sdk/ is missing (npm pack of the SDKs the TypeScript notebooks import). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- $kernelSize := len (.Files.Get "files/kernels/install-kernels.sh") -}}
{{- range $path, $content := .Files.Glob "files/sdk/{package.json,*.tgz}" -}}
{{- $kernelSize = add $kernelSize (len ($content | toString | b64enc)) -}}
{{- end -}}
{{- if gt $kernelSize 900000 -}}
{{- $problems = append $problems (printf "jupyter: the kernel set-up ConfigMap (script, package.json, SDK tarballs base64) is %d bytes, over what one ConfigMap holds (1 MiB)" $kernelSize) -}}
{{- end -}}
{{- $registry := urlParse .Values.typescriptKernel.registry -}}
{{- if or (not (has $registry.scheme (list "http" "https"))) (not $registry.host) -}}
{{- $problems = append $problems (printf "jupyter.typescriptKernel.registry: %q is no http(s) URL of an npm registry" .Values.typescriptKernel.registry) -}}
{{- end -}}
{{- if and .Values.global.networkPolicy.enabled (not .Values.typescriptKernel.npmEgress.enabled) (not .Values.networkPolicy.allowInternetEgress) -}}
{{- $problems = append $problems (printf "jupyter.typescriptKernel.npmEgress.enabled: the TypeScript kernel's init container npm-installs from %s at every pod start, and no NetworkPolicy lets the pod out of the cluster; opt in with jupyter.typescriptKernel.npmEgress.enabled=true (narrow jupyter.typescriptKernel.npmEgress.peers to your mirror's address if you have one), or turn the kernel off (jupyter.typescriptKernel.enabled=false)" .Values.typescriptKernel.registry) -}}
{{- end -}}
{{- end -}}
{{- if eq (int .Values.spark.driverPort) (int .Values.spark.blockManagerPort) -}}
{{- $problems = append $problems "jupyter.spark.blockManagerPort: must differ from jupyter.spark.driverPort" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}

{{/*
The TCP port of typescriptKernel.registry: the URL's own, else 443 (https) or 80 (http).
*/}}
{{- define "datapark.jupyter.v1.registryPort" -}}
{{- include "datapark.common.v1.urlPort" .Values.typescriptKernel.registry -}}
{{- end -}}
