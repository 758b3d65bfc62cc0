{{/* The release's name for its objects: "<release>-berth", or the release name if it contains "berth". */}}
{{- define "berth.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "berth.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Selector labels of one component: include "berth.selector" (list . "core") */}}
{{- define "berth.selector" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Chart.Name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "berth.image" -}}
{{- printf "%s:%s" .Values.berth.image.repository (.Values.berth.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- define "berth.coreSecret" -}}{{ include "berth.fullname" . }}-core{{- end -}}
{{- define "berth.databaseName" -}}{{ include "berth.fullname" . }}-database{{- end -}}
{{- define "berth.redisName" -}}{{ include "berth.fullname" . }}-redis{{- end -}}
{{- define "berth.trivyName" -}}{{ include "berth.fullname" . }}-trivy{{- end -}}
{{- define "berth.tlsSecretGenerated" -}}{{ include "berth.fullname" . }}-tls{{- end -}}

{{/* Berth serves HTTPS itself: TLS on and no ingress in front. */}}
{{- define "berth.selfTLS" -}}
{{- if and .Values.expose.tls.enabled (not (has .Values.expose.type (list "ingress" "route"))) -}}true{{- end -}}
{{- end -}}

{{/* The Secret with tls.crt and tls.key, for the ingress or for Berth; empty for certSource none. */}}
{{- define "berth.tlsSecretName" -}}
{{- if eq .Values.expose.tls.certSource "secret" -}}
{{- .Values.expose.tls.secret.secretName -}}
{{- else if eq .Values.expose.tls.certSource "auto" -}}
{{- include "berth.tlsSecretGenerated" . -}}
{{- end -}}
{{- end -}}

{{- define "berth.tlsCommonName" -}}
{{- .Values.expose.tls.auto.commonName | default (ternary .Values.expose.ingress.hosts.core "" (eq .Values.expose.type "ingress")) -}}
{{- end -}}

{{/*
  An existing Secret's value for a key (so generated secrets survive upgrades), or "".
  include "berth.existingValue" (list . "secret-name" "key")
*/}}
{{- define "berth.existingValue" -}}
{{- $root := index . 0 -}}
{{- $secret := lookup "v1" "Secret" $root.Release.Namespace (index . 1) -}}
{{- if and $secret $secret.data -}}
{{- index $secret.data (index . 2) | default "" | b64dec -}}
{{- end -}}
{{- end -}}

{{/*
  Refuses values that cannot work, with a message that says what to change. Included by the
  Deployment, so `helm install`, `helm template` and `helm lint` all stop on them.
*/}}
{{- define "berth.validate" -}}
{{- $v := .Values -}}
{{- if not (has $v.expose.type (list "ingress" "route" "clusterIP" "nodePort" "loadBalancer")) -}}
{{- fail (printf "expose.type must be ingress, route, clusterIP, nodePort or loadBalancer, not %q" $v.expose.type) -}}
{{- end -}}
{{- if eq $v.expose.type "route" -}}
{{- if not $v.expose.route.parentRefs -}}
{{- fail "expose.type is route: set expose.route.parentRefs to the Gateway (name, namespace, sectionName) the HTTPRoute attaches to" -}}
{{- end -}}
{{- /* TLS ends at the Gateway's listener, which holds the certificate: nothing to check here. */ -}}
{{- else if $v.expose.tls.enabled -}}
{{- if not (has $v.expose.tls.certSource (list "auto" "secret" "none")) -}}
{{- fail (printf "expose.tls.certSource must be auto, secret or none, not %q" $v.expose.tls.certSource) -}}
{{- end -}}
{{- if and (eq $v.expose.tls.certSource "secret") (not $v.expose.tls.secret.secretName) -}}
{{- fail "expose.tls.certSource is secret: set expose.tls.secret.secretName to a Secret with tls.crt and tls.key" -}}
{{- end -}}
{{- if and (eq $v.expose.tls.certSource "none") (ne $v.expose.type "ingress") -}}
{{- fail (printf "expose.tls.certSource none works with expose.type ingress only: Berth needs a certificate to serve HTTPS on a %s Service (use auto or secret, or expose.tls.enabled=false)" $v.expose.type) -}}
{{- end -}}
{{- if and (eq $v.expose.tls.certSource "auto") (not (include "berth.tlsCommonName" .)) -}}
{{- fail "expose.tls.certSource is auto: set expose.tls.auto.commonName (the host name clients use)" -}}
{{- end -}}
{{- end -}}
{{- $storageType := $v.persistence.imageChartStorage.type -}}
{{- if eq $storageType "oss" -}}
{{- fail "persistence.imageChartStorage.type oss: Berth has no OSS driver; Alibaba Cloud OSS serves the S3 API, so use type: s3 with s3.regionendpoint https://oss-<region>.aliyuncs.com, s3.bucket and an AccessKey pair (docs/storage.md)" -}}
{{- end -}}
{{- if eq $storageType "swift" -}}
{{- fail "persistence.imageChartStorage.type swift: Berth has no Swift driver; if your OpenStack runs Swift's S3 API (s3api middleware) or Ceph RGW, use type: s3 with its endpoint and EC2 credentials (docs/storage.md)" -}}
{{- end -}}
{{- if not (has $storageType (list "filesystem" "s3" "gcs" "azure")) -}}
{{- fail (printf "persistence.imageChartStorage.type must be filesystem, s3, gcs or azure, not %q" $storageType) -}}
{{- end -}}
{{- if and (eq $storageType "gcs") (not ($v.persistence.imageChartStorage.gcs | default dict).bucket) -}}
{{- fail "persistence.imageChartStorage.gcs.bucket must be set for GCS storage" -}}
{{- end -}}
{{- if eq $storageType "azure" -}}
{{- $azure := $v.persistence.imageChartStorage.azure | default dict -}}
{{- if or (not $azure.accountname) (not $azure.container) -}}
{{- fail "persistence.imageChartStorage.azure.accountname and container must be set for Azure storage" -}}
{{- end -}}
{{- if and (not $azure.accountkey) (not $azure.existingSecret) -}}
{{- fail "persistence.imageChartStorage.azure needs accountkey, or existingSecret naming a Secret with the key AZURE_STORAGE_ACCESS_KEY (Berth authenticates to Azure with the account's shared key)" -}}
{{- end -}}
{{- end -}}
{{- if and (eq $v.persistence.imageChartStorage.type "s3") (not $v.persistence.imageChartStorage.s3.bucket) -}}
{{- fail "persistence.imageChartStorage.s3.bucket must be set for S3 storage" -}}
{{- end -}}
{{- $replicas := (include "berth.pod" . | fromYaml).replicas | int -}}
{{- if and (gt $replicas 1) (eq $v.persistence.imageChartStorage.type "filesystem") -}}
{{- if not $v.persistence.enabled -}}
{{- fail (printf "berth.replicas is %d with filesystem storage but persistence.enabled is false: each pod would keep its own blobs in an emptyDir. Enable persistence with a ReadWriteMany volume, or use S3 storage (persistence.imageChartStorage.type=s3)" $replicas) -}}
{{- end -}}
{{- if and (not $v.persistence.persistentVolumeClaim.registry.existingClaim) (ne $v.persistence.persistentVolumeClaim.registry.accessMode "ReadWriteMany") -}}
{{- fail (printf "berth.replicas is %d with filesystem storage: all pods must share the blob volume, so persistence.persistentVolumeClaim.registry.accessMode must be ReadWriteMany (with a storageClass that offers it, e.g. NFS or CephFS), or use S3 storage (persistence.imageChartStorage.type=s3), or give an existingClaim that is ReadWriteMany" $replicas) -}}
{{- end -}}
{{- end -}}
{{- if not (has $v.database.type (list "internal" "external")) -}}
{{- fail (printf "database.type must be internal or external, not %q" $v.database.type) -}}
{{- end -}}
{{- if and (eq $v.database.type "external") (not $v.database.external.host) -}}
{{- fail "database.type is external: set database.external.host" -}}
{{- end -}}
{{- if not (has $v.database.external.sslmode (list "disable" "allow" "prefer" "require" "verify-ca" "verify-full")) -}}
{{- fail (printf "database.external.sslmode must be disable, allow, prefer, require, verify-ca or verify-full, not %q" $v.database.external.sslmode) -}}
{{- end -}}
{{- if not (has $v.redis.type (list "none" "internal" "external")) -}}
{{- fail (printf "redis.type must be none, internal or external, not %q" $v.redis.type) -}}
{{- end -}}
{{- if and (eq $v.redis.type "external") (not $v.redis.external.addr) -}}
{{- fail "redis.type is external: set redis.external.addr (host:port)" -}}
{{- end -}}
{{- if and (not $v.existingSecretAdminPassword) (not $v.harborAdminPassword) -}}
{{- fail "set harborAdminPassword, or existingSecretAdminPassword to a Secret holding it" -}}
{{- end -}}
{{- if not (hasPrefix "http" $v.externalURL) -}}
{{- fail (printf "externalURL must be an http:// or https:// URL, not %q" $v.externalURL) -}}
{{- end -}}
{{- end -}}

{{/* BERTH_HTTP_TRUSTED_PROXIES: berth.trustedProxies, "auto" resolved by the expose type. */}}
{{- define "berth.trustedProxies" -}}
{{- $p := .Values.berth.trustedProxies -}}
{{- if kindIs "slice" $p -}}
{{- join "," $p -}}
{{- else if eq (toString $p) "auto" -}}
{{- if has .Values.expose.type (list "ingress" "route") -}}10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7{{- end -}}
{{- else -}}
{{- toString $p -}}
{{- end -}}
{{- end -}}

{{/* The metrics port: metrics.port, or Harbor's metrics.core.port when given. */}}
{{- define "berth.metricsPort" -}}
{{- $core := .Values.metrics.core | default dict -}}
{{- $core.port | default .Values.metrics.port -}}
{{- end -}}

{{/*
  The OTLP/HTTP traces URL: trace.otel.endpoint as it is when it is a URL; Harbor's shape
  (host:port, url_path, insecure) otherwise.
*/}}
{{- define "berth.otlpEndpoint" -}}
{{- $otel := .Values.trace.otel -}}
{{- if or (hasPrefix "http://" $otel.endpoint) (hasPrefix "https://" $otel.endpoint) -}}
{{- $otel.endpoint -}}{{- $otel.url_path | default "" -}}
{{- else -}}
{{- printf "%s://%s%s" (ternary "http" "https" (ne (toString $otel.insecure) "false")) $otel.endpoint ($otel.url_path | default "/v1/traces") -}}
{{- end -}}
{{- end -}}
