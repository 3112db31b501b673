{{- define "datapark.jupyter.v1.validateValues" -}}
{{- $problems := list -}}
{{- if not (.Files.Get "files/notebooks/SOURCES.json") -}}
{{- $problems = append $problems "jupyter: files/notebooks/ is missing (the notebooks of apps/notebooks). Run: npx nx run charts:sync-files" -}}
{{- end -}}
{{- $size := 0 -}}
{{- range $path, $content := .Files.Glob "files/notebooks/*.ipynb" -}}
{{- $size = add $size (len $content) -}}
{{- end -}}
{{- if gt $size 900000 -}}
{{- $problems = append $problems (printf "jupyter: the notebooks are %d bytes, over what one ConfigMap holds (1 MiB); clear their outputs" $size) -}}
{{- end -}}
{{- if eq (int .Values.spark.driverPort) (int .Values.spark.blockManagerPort) -}}
{{- $problems = append $problems "jupyter.spark.blockManagerPort: must differ from jupyter.spark.driverPort" -}}
{{- end -}}
{{- if $problems -}}
{{- fail (printf "\n\nInvalid values:\n  - %s\n" (join "\n  - " $problems)) -}}
{{- end -}}
{{- end -}}
