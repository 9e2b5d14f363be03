{{/*
Names and labels shared by every template.
*/}}

{{- define "switchboard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's base name: "<release>-switchboard", or just the release name when it already says switchboard. */}}
{{- define "switchboard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "switchboard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries; pass (dict "root" $ "component" "operator"). */}}
{{- define "switchboard.labels" -}}
helm.sh/chart: {{ include "switchboard.chart" .root }}
{{ include "switchboard.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: switchboard
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The immutable subset used in selectors. */}}
{{- define "switchboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "switchboard.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "switchboard.operator.fullname" -}}
{{- printf "%s-operator" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.asterisk.fullname" -}}
{{- printf "%s-asterisk" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The Service the operator reaches AMI through (never exposed outside the cluster). */}}
{{- define "switchboard.asterisk.amiService" -}}
{{- printf "%s-asterisk-ami" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.amiSecretName" -}}
{{- printf "%s-ami" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.amiReadOnlySecretName" -}}
{{- printf "%s-ami-readonly" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "switchboard.operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- required "operator.serviceAccount.name is required when operator.serviceAccount.create is false" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "switchboard.leaseName" -}}
{{- default (include "switchboard.operator.fullname" .) .Values.operator.leaderElection.leaseName }}
{{- end }}

{{- define "switchboard.operator.image" -}}
{{- $img := .Values.operator.image }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (default .Chart.AppVersion $img.tag) }}
{{- end }}
{{- end }}

{{/*
The spool shipper sidecar's image: the operator's unless asterisk.spoolShipper.image
names one (then a new operator image alone does not roll Asterisk).
*/}}
{{- define "switchboard.spoolShipper.image" -}}
{{- $img := .Values.asterisk.spoolShipper.image }}
{{- if or $img.repository $img.tag $img.digest }}
{{- $repo := default .Values.operator.image.repository $img.repository }}
{{- if $img.digest }}
{{- printf "%s@%s" $repo $img.digest }}
{{- else }}
{{- printf "%s:%s" $repo (default .Chart.AppVersion $img.tag) }}
{{- end }}
{{- else }}
{{- include "switchboard.operator.image" . }}
{{- end }}
{{- end }}

{{- define "switchboard.asterisk.image" -}}
{{- $img := .Values.asterisk.image }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (default .Chart.AppVersion $img.tag) }}
{{- end }}
{{- end }}

{{/*
The URL browsers use for SIP over WebSocket. Defaults to the port-forward of
NOTES.txt (ws://localhost:8088/ws), which works for a first look only.
*/}}
{{- define "switchboard.asteriskWsUrl" -}}
{{- default "ws://localhost:8088/ws" .Values.webrtcConfig.asteriskWsUrl }}
{{- end }}

{{/*
Number of generated shards: SHARD_COUNT in operator/src/asterisk/render
(LAYOUT.md). test/helm checks that the two agree.
*/}}
{{- define "switchboard.shardCount" -}}32{{- end }}

{{/*
The namespace's WebRTCConfig "default" spec from webrtcConfig.*, as JSON for
the operator (env WEBRTC_CONFIG_DEFAULTS): the leader applies it, because a
custom resource cannot be created in the install that creates its CRD (Helm
maps every object of a release before creating any). Empty values stay out,
so those fields can be managed in the web UI.
*/}}
{{- define "switchboard.webrtcConfigSpec" -}}
{{- $w := .Values.webrtcConfig }}
{{- $spec := dict "asteriskWsUrl" (include "switchboard.asteriskWsUrl" .) }}
{{- $ice := dict }}
{{- with $w.iceServers.stunUrls }}{{ $_ := set $ice "stunUrls" . }}{{ end }}
{{- with $w.iceServers.turnServers }}{{ $_ := set $ice "turnServers" . }}{{ end }}
{{- if $ice }}{{ $_ := set $spec "iceServers" $ice }}{{ end }}
{{- $tr := dict "ws" $w.transports.ws "wss" $w.transports.wss }}
{{- with $w.transports.externalSignalingAddress }}{{ $_ := set $tr "externalSignalingAddress" . }}{{ end }}
{{- with $w.transports.externalMediaAddress }}{{ $_ := set $tr "externalMediaAddress" . }}{{ end }}
{{- with $w.transports.localNets }}{{ $_ := set $tr "localNets" . }}{{ end }}
{{- $_ := set $spec "transports" $tr }}
{{- with $w.dtlsCertificateSecret }}{{ $_ := set $spec "dtlsCertificateSecret" (dict "name" .) }}{{ end }}
{{- $_ := set $spec "rtp" $w.rtp }}
{{- $_ := set $spec "extensions" $w.extensions }}
{{- $_ := set $spec "hotline" $w.hotline }}
{{- $_ := set $spec "dialTimeoutSeconds" $w.dialTimeoutSeconds }}
{{- $ami := dict "port" $w.ami.port }}
{{- $amiHost := $w.ami.host | default (ternary (include "switchboard.asterisk.amiService" .) "" .Values.asterisk.enabled) }}
{{- $amiSecret := $w.ami.secretName | default (ternary (include "switchboard.amiSecretName" .) "" .Values.asterisk.enabled) }}
{{- with $amiHost }}{{ $_ := set $ami "host" . }}{{ end }}
{{- with $amiSecret }}{{ $_ := set $ami "secretName" . }}{{ end }}
{{- $_ := set $spec "ami" $ami }}
{{- $_ := set $spec "generated" $w.generated }}
{{- toJson $spec }}
{{- end }}

{{/*
A `helm test` Pod: (dict "root" $ "check" "<name>" "args" (list ...) "amiClient" bool).
Pod Security "restricted", no API token, the operator image's chart-test mode.
*/}}
{{- define "switchboard.testPod" -}}
{{- $root := .root }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ printf "%s-test-%s" (include "switchboard.fullname" $root) .check | trunc 63 | trimSuffix "-" }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "switchboard.labels" (dict "root" $root "component" "test") | nindent 4 }}
    {{- if .amiClient }}
    switchboard.dev/ami-client: "true"
    {{- end }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- with $root.Values.operator.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 65532
    runAsGroup: 65532
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ .check }}
      image: {{ include "switchboard.operator.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.operator.image.pullPolicy }}
      args: {{ prepend .args "chart-test" | toJson }}
      {{- if .amiClient }}
      env:
        - name: AMI_USERNAME
          valueFrom:
            secretKeyRef:
              name: {{ include "switchboard.amiSecretName" $root }}
              key: username
        - name: AMI_SECRET
          valueFrom:
            secretKeyRef:
              name: {{ include "switchboard.amiSecretName" $root }}
              key: secret
      {{- end }}
      # Node and the bundle's code: about 90 MiB resident (measured); a check
      # killed for memory shows as a failed test although it printed "ok".
      resources:
        requests:
          cpu: 10m
          memory: 96Mi
        limits:
          cpu: 500m
          memory: 192Mi
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: [ALL]
{{- end }}

{{/*
Call history: on with an existing database (history.database.host) or the
quick-start StatefulSet (history.postgresql.enabled). These helpers give the
connection both the operator and Asterisk use.
*/}}
{{- define "switchboard.history.enabled" -}}
{{- if or .Values.history.postgresql.enabled .Values.history.database.host }}true{{- end }}
{{- end }}

{{- define "switchboard.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "switchboard.history.host" -}}
{{- if .Values.history.postgresql.enabled }}
{{- include "switchboard.postgresql.fullname" . }}
{{- else }}
{{- .Values.history.database.host }}
{{- end }}
{{- end }}

{{/* The Secret holding the password, and its key. */}}
{{- define "switchboard.history.secretName" -}}
{{- if .Values.history.postgresql.enabled }}
{{- include "switchboard.postgresql.fullname" . }}
{{- else }}
{{- required "history.database.existingSecret is required with history.database.host (a Secret holding the database password)" .Values.history.database.existingSecret }}
{{- end }}
{{- end }}

{{- define "switchboard.history.passwordKey" -}}
{{- if .Values.history.postgresql.enabled }}password{{- else }}{{ .Values.history.database.passwordKey }}{{- end }}
{{- end }}

{{/* The CA volume source (a Secret or a ConfigMap), empty without one. */}}
{{- define "switchboard.history.caVolume" -}}
{{- $ca := .Values.history.database.caCert }}
{{- if and $ca.secretName $ca.configMapName }}
{{- fail "history.database.caCert: give secretName or configMapName, not both" }}
{{- end }}
{{- if and (not .Values.history.postgresql.enabled) $ca.secretName }}
secret:
  secretName: {{ $ca.secretName }}
  defaultMode: 288 # 0440
  items:
    - key: {{ $ca.key }}
      path: ca.crt
{{- else if and (not .Values.history.postgresql.enabled) $ca.configMapName }}
configMap:
  name: {{ $ca.configMapName }}
  defaultMode: 292 # 0444
  items:
    - key: {{ $ca.key }}
      path: ca.crt
{{- end }}
{{- end }}

{{- define "switchboard.history.sslMode" -}}
{{- $mode := .Values.history.database.sslMode }}
{{- if and (has $mode (list "verify-ca" "verify-full")) (not (include "switchboard.history.caVolume" .)) }}
{{- fail (printf "history.database.sslMode %s needs history.database.caCert.secretName or .configMapName (the CA certificate)" $mode) }}
{{- end }}
{{- $mode }}
{{- end }}

{{- define "switchboard.recordings.claimName" -}}
{{- default (printf "%s-recordings" (include "switchboard.fullname" .) | trunc 63 | trimSuffix "-") .Values.recordings.persistence.existingClaim }}
{{- end }}

{{- define "switchboard.recordings.enabled" -}}
{{- if .Values.recordings.enabled }}
{{- if not (include "switchboard.history.enabled" .) }}
{{- fail "recordings.enabled needs call history: set history.database.host or history.postgresql.enabled (the call records name the recording files)" }}
{{- end }}
{{- if not .Values.asterisk.enabled }}
{{- fail "recordings.enabled needs asterisk.enabled (the recordings volume is mounted into this chart's Asterisk)" }}
{{- end }}
{{- "true" }}
{{- end }}
{{- end }}
