{{/*
  Harbor's chart values (goharbor/harbor-helm 1.19) in a Berth values file. values.schema.json
  lets these keys through so that this file can honour them or refuse them by name with what to
  use instead; any other unknown key fails the schema. A Harbor key set to nothing (an empty
  string, false, an empty map or list) asks for nothing and is accepted.

  Honoured: core/registry/jobservice pod settings (replicas: the largest; resources, scheduling,
  pod metadata, service account, revision history: must agree with each other and with berth.*,
  or the render stops naming them), extraEnvVars (all of them), jobservice.maxJobWorkers (job
  workers), updateStrategy.type, caSecretName, caBundleSecretName (outbound CAs), proxy.* (the
  outbound client's HTTP proxy when components lists core or jobservice; the Trivy adapter's
  HTTP_PROXY when it lists trivy), expose.route (an
  HTTPRoute), ipFamily (Services' families, listen address), redis.external.sentinelMasterSet
  (a redis-sentinel URL), trace.provider otel with trace.otel.url_path and
  insecure, metrics.core.port, trivy.* (templates/trivy.yaml: the adapter, registered at start as the
  default scanner), redis.*.trivyAdapterIndex (the adapter's Redis database), and the S3 driver's encrypt, keyid, secure,
  skipverify, v4auth (true), storageclass, chunksize and multipartcopy*, the gcs driver's bucket,
  encodedkey, existingSecret, useWorkloadIdentity, rootdirectory and chunksize, and the azure
  driver's accountname, accountkey, existingSecret, container, realm and rootdirectory
  (deployment.yaml, secret.yaml). Storage types oss and swift are refused in _helpers.tpl.
*/}}

{{/* The value at a dotted path of a map, as JSON; empty when a segment is missing. */}}
{{- define "berth.harbor.json" -}}
{{- $cur := index . 0 -}}
{{- $found := true -}}
{{- range $seg := splitList "." (index . 1) -}}
{{- if and $found (kindIs "map" $cur) (hasKey $cur $seg) -}}
{{- $cur = index $cur $seg -}}
{{- else -}}
{{- $found = false -}}
{{- end -}}
{{- end -}}
{{- if $found -}}{{- toJson $cur -}}{{- end -}}
{{- end -}}

{{/*
  "true" when the JSON of a value asks for something: anything but missing, null, "", false, and
  maps and lists of nothing else (Harbor's file has e.g. image: {repository: "", tag: ""}).
*/}}
{{- define "berth.harbor.isSet" -}}
{{- $rest := regexReplaceAll "\"(?:[^\"\\\\]|\\\\.)*\"\\s*:" . "" -}}
{{- $rest = regexReplaceAll "null|false|\"\"" $rest "" -}}
{{- $rest = regexReplaceAll "[\\s{}\\[\\],]" $rest "" -}}
{{- if $rest -}}true{{- end -}}
{{- end -}}

{{/* Stops the render on a Harbor key that is set, naming it and saying what to do instead. */}}
{{- define "berth.harbor.refuse" -}}
{{- $values := index . 0 -}}
{{- range $path, $why := index . 1 -}}
{{- if include "berth.harbor.isSet" (include "berth.harbor.json" (list $values $path)) -}}
{{- fail (printf "%s is a Harbor chart value that Berth does not support: %s" $path $why) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Harbor's per-component pod settings that Berth's one Deployment takes. */}}
{{- define "berth.harbor.podKeys" -}}
{{- toJson (list "resources" "nodeSelector" "tolerations" "affinity" "topologySpreadConstraints" "priorityClassName" "podAnnotations" "podLabels" "serviceAccountName" "revisionHistoryLimit") -}}
{{- end -}}

{{- define "berth.harbor.validate" -}}
{{- $v := .Values -}}
{{- $whole := dict
  "internalTLS" "Berth is one process, there is no traffic between components to encrypt; serve HTTPS with expose.tls"
  "enableMigrateHelmHook" "Berth migrates its database schema itself when it starts; remove it"
  "cache" "Berth caches in memory and, with several replicas, invalidates through Redis (redis.type); remove cache"
  "containerSecurityContext" "set berth.containerSecurityContext (the Berth container's) instead"
  "nginx" "Berth serves the portal, the API and the registry itself, with no nginx in front; remove nginx"
  "portal" "the portal is served by Berth itself; the Berth pod's settings are berth.*"
  "exporter" "Berth exports its own metrics: metrics.enabled and metrics.port"
  "expose.ingress.kubeVersionOverride" "the chart renders networking.k8s.io/v1 Ingresses only; remove it"
  "persistence.imageChartStorage.filesystem" "Berth keeps filesystem blobs in its data volume (persistence.persistentVolumeClaim.registry); remove it"
  "persistence.persistentVolumeClaim.jobservice" "Berth keeps job logs in its database, with no volume; remove it"
  "persistence.persistentVolumeClaim.redis" "the chart's Redis keeps nothing on disk; remove it"
  "database.maxIdleConns" "Berth's pool size per pod is berth.maxOpenConns"
  "database.maxOpenConns" "Berth's pool size per pod is berth.maxOpenConns"
  "database.podAnnotations" "not applied to the internal database yet; remove it"
  "database.podLabels" "not applied to the internal database yet; remove it"
  "database.internal.serviceAccountName" "not applied to the internal database yet; remove it"
  "database.internal.livenessProbe" "the internal database's probes are fixed; remove it"
  "database.internal.readinessProbe" "the internal database's probes are fixed; remove it"
  "database.internal.extraEnvVars" "not applied to the internal database yet; remove it"
  "database.internal.extrInitContainers" "not applied to the internal database yet; remove it"
  "database.internal.initContainer" "the internal database needs no init container; remove it"
  "redis.podAnnotations" "not applied to the internal Redis yet; remove it"
  "redis.podLabels" "not applied to the internal Redis yet; remove it"
  "redis.internal.serviceAccountName" "not applied to the internal Redis yet; remove it"
  "redis.internal.jobserviceDatabaseIndex" "Berth uses one Redis database: redis.external.coreDatabaseIndex"
  "redis.internal.registryDatabaseIndex" "Berth uses one Redis database: redis.external.coreDatabaseIndex"
  "redis.internal.harborDatabaseIndex" "Berth uses one Redis database: redis.external.coreDatabaseIndex"
  "redis.internal.cacheLayerDatabaseIndex" "Berth uses one Redis database: redis.external.coreDatabaseIndex"
  "redis.external.jobserviceDatabaseIndex" "Berth uses one Redis database: redis.external.coreDatabaseIndex"
  "redis.external.registryDatabaseIndex" "Berth uses one Redis database: redis.external.coreDatabaseIndex"
  "redis.external.harborDatabaseIndex" "Berth uses one Redis database: redis.external.coreDatabaseIndex"
  "redis.external.cacheLayerDatabaseIndex" "Berth uses one Redis database: redis.external.coreDatabaseIndex"
-}}
{{- include "berth.harbor.refuse" (list $v $whole) -}}
{{- with $v.expose.ingress.controller -}}
{{- if ne . "default" -}}
{{- fail (printf "expose.ingress.controller %q is a Harbor chart value that Berth does not support: the Ingress is rendered for any controller through expose.ingress.className and annotations" .) -}}
{{- end -}}
{{- end -}}
{{- /* Settings of tracing and metrics matter only when they are on (Harbor's file has them all). */ -}}
{{- if $v.trace.enabled -}}
{{- include "berth.harbor.refuse" (list $v (dict
  "trace.jaeger" "Berth exports OTLP: set trace.provider otel and trace.otel.endpoint (Jaeger takes OTLP on port 4318)"
  "trace.namespace" "the service name is berth; remove it"
  "trace.attributes" "resource attributes are not supported yet; remove them"
  "trace.otel.compression" "Berth's OTLP exporter settings are fixed; remove it"
  "trace.otel.timeout" "Berth's OTLP exporter settings are fixed; remove it")) -}}
{{- if and $v.trace.provider (ne (toString $v.trace.provider) "otel") -}}
{{- fail (printf "trace.provider %q is a Harbor chart value that Berth does not support: Berth exports OTLP, set trace.provider otel (Jaeger takes OTLP on port 4318)" (toString $v.trace.provider)) -}}
{{- end -}}
{{- end -}}
{{- if $v.metrics.enabled -}}
{{- include "berth.harbor.refuse" (list $v (dict
  "metrics.registry" "Berth is one process with one metrics endpoint: metrics.port (or metrics.core.port)"
  "metrics.jobservice" "Berth is one process with one metrics endpoint: metrics.port (or metrics.core.port)"
  "metrics.exporter" "Berth is one process with one metrics endpoint: metrics.port (or metrics.core.port)")) -}}
{{- with $v.metrics.core -}}
{{- if and .path (ne .path "/metrics") -}}
{{- fail (printf "metrics.core.path %q is a Harbor chart value that Berth does not support: Berth's metrics are at /metrics" .path) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- with $v.persistence.imageChartStorage.s3 -}}
{{- if eq (toString .v4auth) "false" -}}
{{- fail "persistence.imageChartStorage.s3.v4auth false is a Harbor chart value that Berth does not support: Berth signs S3 requests with Signature V4 only; remove it" -}}
{{- end -}}
{{- if and .keyid (ne (toString .encrypt) "true") -}}
{{- fail "persistence.imageChartStorage.s3.keyid is set but encrypt is not true: Harbor's registry would ignore the key and write unencrypted objects; set encrypt: true for SSE-KMS with this key, or remove keyid" -}}
{{- end -}}
{{- end -}}
{{- with $v.trivy -}}
{{- if .enabled -}}
{{- if and .image (not (and .image.repository .image.tag)) -}}
{{- fail "trivy.image needs repository and tag (the adapter's image, e.g. goharbor/trivy-adapter-photon v2.14.4 or aquasec/harbor-scanner-trivy)" -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* Per-component settings: the pod keys are merged (below); the rest is named. */ -}}
{{- $podKeys := include "berth.harbor.podKeys" . | fromJsonArray -}}
{{- $components := dict
  "core" (dict "image" "Berth is one image: berth.image" "secret" "the token key is tokenKeySecret" "existingSecret" "the token key is tokenKeySecret" "secretName" "the token key is tokenKeySecret" "tokenKey" "the token key is tokenKeySecret" "tokenCert" "Berth publishes the token key's certificate itself; tokenKeySecret" "xsrfKey" "Berth's portal sessions have their own CSRF protection; remove it" "existingXsrfSecret" "Berth's portal sessions have their own CSRF protection; remove it" "startupProbe" "berth.probes.startup" "livenessProbe" "berth.probes.liveness" "readinessProbe" "berth.probes.readiness" "podDisruptionBudget" "berth.podDisruptionBudget" "automountServiceAccountToken" "berth.automountServiceAccountToken" "serviceAnnotations" "expose.clusterIP.annotations (or the type's annotations)")
  "registry" (dict "registry" "Berth is one image: berth.image" "controller" "Berth is one image: berth.image" "secret" "Berth has no separate registry component to share a secret with; remove it" "existingSecret" "Berth has no separate registry component; remove it" "relativeurls" "Berth answers with absolute URLs from externalURL; remove it" "credentials" "Berth authenticates registry clients itself (users and robot accounts); remove it" "middleware" "no CDN middleware; S3 pulls redirect to presigned URLs (persistence.imageChartStorage.disableredirect)" "upload_purging" "Berth's garbage collection removes abandoned uploads; remove it" "podDisruptionBudget" "berth.podDisruptionBudget" "automountServiceAccountToken" "berth.automountServiceAccountToken")
  "jobservice" (dict "image" "Berth is one image: berth.image" "jobLoggers" "job logs are kept in the database and shown in the API and portal; remove it" "loggerSweeperDuration" "job logs are purged with their executions; remove it" "notification" "webhook delivery retries are fixed (10 attempts); remove it" "reaper" "stuck jobs are recovered by their lease; remove it" "secret" "Berth has no separate job service to share a secret with; remove it" "existingSecret" "Berth has no separate job service; remove it" "livenessProbe" "berth.probes.liveness" "readinessProbe" "berth.probes.readiness" "podDisruptionBudget" "berth.podDisruptionBudget" "registryHttpClientTimeout" "remove it" "automountServiceAccountToken" "berth.automountServiceAccountToken")
-}}
{{- range $component, $named := $components -}}
{{- $section := index $v $component -}}
{{- if kindIs "map" $section -}}
{{- range $key, $value := $section -}}
{{- if not (or (has $key $podKeys) (eq $key "replicas") (eq $key "extraEnvVars") (and (eq $component "jobservice") (eq $key "maxJobWorkers"))) -}}
{{- if include "berth.harbor.isSet" (toJson $value) -}}
{{- $why := index $named $key | default "Berth is one process and has no equivalent; remove it" -}}
{{- fail (printf "%s.%s is a Harbor chart value that Berth does not support: %s" $component $key $why) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- else if $section -}}
{{- fail (printf "%s must be a map of Harbor's %s settings" $component $component) -}}
{{- end -}}
{{- end -}}
{{- $_ := include "berth.pod" . -}}
{{- end -}}

{{/*
  The Berth pod's settings: berth.* with Harbor's core, registry and jobservice settings folded
  in (YAML; read with fromYaml). replicas is the largest given; every other key must be given
  once or the same everywhere it is given, or the render stops and names the places.
*/}}
{{- define "berth.pod" -}}
{{- $v := .Values -}}
{{- $b := $v.berth -}}
{{- $components := list "core" "registry" "jobservice" -}}
{{- $replicas := int $b.replicas -}}
{{- $env := list -}}
{{- range $b.extraEnvVars -}}{{- $env = append $env . -}}{{- end -}}
{{- $workers := $b.jobs.workers -}}
{{- range $c := $components -}}
{{- $section := index $v $c | default dict -}}
{{- if kindIs "map" $section -}}
{{- if hasKey $section "replicas" -}}{{- $replicas = max $replicas (int $section.replicas) -}}{{- end -}}
{{- range $section.extraEnvVars -}}{{- if not (has . $env) -}}{{- $env = append $env . -}}{{- end -}}{{- end -}}
{{- if and (eq $c "jobservice") $section.maxJobWorkers -}}{{- $workers = $section.maxJobWorkers -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- $out := dict "replicas" $replicas "extraEnvVars" $env "workers" $workers -}}
{{- range $key := include "berth.harbor.podKeys" . | fromJsonArray -}}
{{- $chosen := index $b $key -}}
{{- $from := ternary (printf "berth.%s" $key) "" (not (empty $chosen)) -}}
{{- range $c := $components -}}
{{- $section := index $v $c | default dict -}}
{{- if and (kindIs "map" $section) (hasKey $section $key) (not (empty (index $section $key))) -}}
{{- $value := index $section $key -}}
{{- if empty $from -}}
{{- $chosen = $value -}}
{{- $from = printf "%s.%s" $c $key -}}
{{- else if ne (toJson $value) (toJson $chosen) -}}
{{- fail (printf "%s and %s.%s differ: Berth runs Harbor's core, registry and job service in one pod, so they must agree; set berth.%s (or give it in one place only)" $from $c $key $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $_ := set $out $key $chosen -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
  Harbor's ipFamily.ipv4.enabled / ipv6.enabled: the families of the chart's Services (both: dual
  stack where the cluster has it, else what it has) and the address Berth listens on (one family:
  that family's wildcard; both: the JVM's wildcard, which accepts both). Nothing when not given.
*/}}
{{- define "berth.ipFamilyList" -}}
{{- with .Values.ipFamily -}}
{{- $families := list -}}
{{- if and .ipv4 (eq (toString .ipv4.enabled) "true") -}}{{- $families = append $families "IPv4" -}}{{- end -}}
{{- if and .ipv6 (eq (toString .ipv6.enabled) "true") -}}{{- $families = append $families "IPv6" -}}{{- end -}}
{{- if not $families -}}
{{- fail "ipFamily: both ipv4.enabled and ipv6.enabled are false; enable at least one (or remove ipFamily for the cluster's default)" -}}
{{- end -}}
{{- join "," $families -}}
{{- end -}}
{{- end -}}

{{- define "berth.ipFamilies" -}}
{{- with include "berth.ipFamilyList" . -}}
{{- $families := splitList "," . -}}
ipFamilyPolicy: {{ ternary "PreferDualStack" "SingleStack" (eq (len $families) 2) }}
ipFamilies:
{{- range $families }}
  - {{ . }}
{{- end }}
{{- end -}}
{{- end -}}

{{- define "berth.listenAddress" -}}
{{- $families := include "berth.ipFamilyList" . -}}
{{- if eq $families "IPv4" -}}0.0.0.0{{- else if eq $families "IPv6" -}}::{{- end -}}
{{- end -}}
