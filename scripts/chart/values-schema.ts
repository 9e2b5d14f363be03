// The source of charts/switchboard/values.schema.json. The webrtcConfig part
// is derived from the WebRTCConfig CRD (one source for its constraints); the
// rest describes the chart's own keys. Every object forbids unknown keys, so a
// typo fails `helm install` instead of being silently ignored.
import { webRtcConfigCrd } from '../../operator/src/crds/index.ts';
import type { JSONSchemaProps } from '../../operator/src/crds/schema-types.ts';

export type Schema = { [key: string]: unknown };

const obj = (
  description: string,
  properties: Record<string, Schema>,
  required?: string[],
): Schema => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties,
  ...(required ? { required } : {}),
});
const str = (description: string, extra: Schema = {}): Schema => ({
  type: 'string',
  description,
  ...extra,
});
const bool = (description: string): Schema => ({ type: 'boolean', description });
const int = (description: string, minimum: number, maximum?: number): Schema => ({
  type: 'integer',
  description,
  minimum,
  ...(maximum === undefined ? {} : { maximum }),
});
/** A map with free keys and string values (labels, annotations, nodeSelector). */
const stringMap = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});
/** Kubernetes structures passed through as they are; the API server validates their insides. */
const passthrough = (type: 'object' | 'array', description: string): Schema => ({
  type,
  description,
});

const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const OBJECT_NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Accepts "" (meaning: the default) or a value matching `pattern`. */
const emptyOr = (pattern: string) => `^$|${pattern}`;

const quantity: Schema = {
  type: ['string', 'integer', 'number'],
  description: 'A Kubernetes quantity, e.g. "250m", "1", "512Mi".',
  pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$',
};
const resourceList = (description: string): Schema => ({
  type: 'object',
  description,
  propertyNames: { pattern: '^(cpu|memory|ephemeral-storage|hugepages-[0-9A-Za-z]+)$' },
  additionalProperties: quantity,
});
const resources = (description: string) =>
  obj(description, {
    requests: resourceList('Requested resources (cpu, memory, ...).'),
    limits: resourceList('Resource limits (cpu, memory, ...).'),
  });

const image = (what: string) =>
  obj(`The ${what} image.`, {
    repository: str('Image repository, without tag.', { minLength: 1 }),
    tag: str("Image tag; empty: the chart's appVersion.", {
      pattern: emptyOr('^[\\w][\\w.-]{0,127}$'),
    }),
    digest: str('Image digest; when set it is used instead of the tag.', {
      pattern: emptyOr('^sha256:[a-f0-9]{64}$'),
    }),
    pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'], description: 'imagePullPolicy.' },
  });
const pullSecrets: Schema = {
  type: 'array',
  description: 'imagePullSecrets: [{name: <Secret>}].',
  items: obj(
    'A Secret holding registry credentials.',
    { name: str('Its name.', { pattern: OBJECT_NAME }) },
    ['name'],
  ),
};
const serviceType: Schema = {
  enum: ['ClusterIP', 'NodePort', 'LoadBalancer'],
  description: 'The Service type.',
};
const envVar = obj(
  'An environment variable.',
  {
    name: str('Its name.', { pattern: '^[-._a-zA-Z][-._a-zA-Z0-9]*$' }),
    value: str('Its value.'),
    valueFrom: passthrough('object', 'A source (secretKeyRef, configMapKeyRef, fieldRef, ...).'),
  },
  ['name'],
);
const scheduling = {
  podAnnotations: stringMap('Annotations on the pods.'),
  podLabels: stringMap('Extra labels on the pods.'),
  nodeSelector: stringMap('nodeSelector of the pods.'),
  tolerations: passthrough('array', 'tolerations of the pods.'),
  affinity: passthrough('object', 'affinity of the pods.'),
  priorityClassName: str('priorityClassName of the pods.'),
};

/** A CRD property schema as JSON Schema (draft-07) for values: no defaults, no CEL, no unknown keys. */
export function fromCrd(p: JSONSchemaProps): Schema {
  const out: Schema = {};
  for (const key of [
    'type',
    'description',
    'enum',
    'pattern',
    'minLength',
    'maxLength',
    'minimum',
    'maximum',
    'minItems',
    'maxItems',
  ] as const) {
    if (p[key] !== undefined) out[key] = p[key];
  }
  if (p.items) out.items = fromCrd(p.items);
  if (p.properties) {
    out.properties = Object.fromEntries(
      Object.entries(p.properties).map(([k, v]) => [k, fromCrd(v)]),
    );
    out.additionalProperties = false;
    if (p.required?.length) out.required = [...p.required];
  }
  return out;
}

/** The same schema, also accepting "" for "not set" (values.yaml lists every key). */
function optionalString(s: Schema): Schema {
  const { minLength: _minLength, ...rest } = s;
  return { ...rest, pattern: emptyOr(String(s.pattern)) };
}

function webrtcConfigSchema(): Schema {
  const spec = webRtcConfigCrd.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec;
  const p = spec?.properties;
  if (!p) throw new Error('the WebRTCConfig CRD has no spec properties');
  const crd = (name: string) => {
    const s = p[name];
    if (!s) throw new Error(`the WebRTCConfig CRD has no spec.${name}`);
    return fromCrd(s);
  };
  const transports = crd('transports') as Schema & { properties: Record<string, Schema> };
  for (const key of ['externalSignalingAddress', 'externalMediaAddress']) {
    const prop = transports.properties[key];
    if (prop) transports.properties[key] = optionalString(prop);
  }
  const ami = crd('ami') as Schema & { properties: Record<string, Schema> };
  for (const key of ['host', 'secretName']) {
    const prop = ami.properties[key];
    if (prop) ami.properties[key] = optionalString(prop);
  }
  const dtls = fromCrd(p.dtlsCertificateSecret?.properties?.name ?? {});
  return obj('The namespace\'s WebRTCConfig "default" (fields as in crds/webrtcconfig.yaml).', {
    create: bool(
      'Have the operator apply WebRTCConfig "default" from these values (env WEBRTC_CONFIG_DEFAULTS).',
    ),
    asteriskWsUrl: optionalString({
      ...crd('asteriskWsUrl'),
      description:
        'The URL softphones connect to, e.g. "wss://pbx.example.org:8089/ws"; empty: ws://localhost:8088/ws.',
    }),
    iceServers: crd('iceServers'),
    transports,
    dtlsCertificateSecret: optionalString({
      ...dtls,
      description: 'Name of a kubernetes.io/tls Secret for DTLS and wss; empty: none.',
    }),
    rtp: crd('rtp'),
    extensions: crd('extensions'),
    hotline: crd('hotline'),
    dialTimeoutSeconds: crd('dialTimeoutSeconds'),
    ami: {
      ...ami,
      description:
        "How the operator reaches AMI; empty host/secretName: this chart's Asterisk and AMI Secret.",
    },
    generated: crd('generated'),
  });
}

/** history.*: the database (existing, or the quick-start StatefulSet). */
function historySchema(): Schema {
  const name = (what: string) => str(what, { pattern: '^[A-Za-z0-9._-]{1,63}$' });
  return obj('Call history in PostgreSQL.', {
    database: obj('An existing PostgreSQL.', {
      host: str('Host name; empty: no history unless postgresql.enabled.', {
        // Asterisk pastes it into a libpq connection string unquoted (history/asterisk-config.ts).
        pattern: '^[A-Za-z0-9._-]{0,253}$',
      }),
      port: int('Port.', 1, 65535),
      name: name('Database name.'),
      user: name('Role name.'),
      existingSecret: str('Secret holding the password.', { pattern: emptyOr(OBJECT_NAME) }),
      passwordKey: str('Key of the password in it.', { pattern: '^[-._a-zA-Z0-9]+$' }),
      sslMode: {
        enum: ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'],
        description: 'libpq sslmode.',
      },
      caCert: obj('CA certificate for verify-ca/verify-full (a Secret or a ConfigMap).', {
        secretName: str('Secret holding it.', { pattern: emptyOr(OBJECT_NAME) }),
        configMapName: str('ConfigMap holding it.', { pattern: emptyOr(OBJECT_NAME) }),
        key: str('Key of the PEM file.', { pattern: '^[-._a-zA-Z0-9]+$' }),
      }),
    }),
    postgresql: obj('A single PostgreSQL StatefulSet (quick start, not HA).', {
      enabled: bool('Deploy it and use it for history.'),
      image: image('PostgreSQL'),
      uid: int('The user the image runs postgres as.', 1, 2147483647),
      gid: int('Its group (also the fsGroup of the data volume).', 1, 2147483647),
      storage: obj('The data volume.', {
        size: { ...quantity, description: 'Size of the PersistentVolumeClaim.' },
        storageClassName: str('StorageClass; empty: the default.', {
          pattern: emptyOr(OBJECT_NAME),
        }),
      }),
      resources: resources('Requests and limits of the PostgreSQL container.'),
      nodeSelector: stringMap('nodeSelector of the pod.'),
      tolerations: passthrough('array', 'tolerations of the pod.'),
      affinity: passthrough('object', 'affinity of the pod.'),
    }),
  });
}

export function valuesSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Switchboard Helm chart values',
    ...obj('Values of the switchboard chart (values.yaml documents each key).', {
      nameOverride: str('Replaces the chart name in object names.', {
        pattern: emptyOr(DNS_LABEL),
        maxLength: 63,
      }),
      fullnameOverride: str('Replaces "<release>-switchboard" in object names.', {
        pattern: emptyOr(DNS_LABEL),
        maxLength: 52,
      }),
      commonLabels: stringMap('Extra labels on every object.'),
      crds: obj('The SipAgent and WebRTCConfig CRDs.', {
        install: bool('Install and upgrade the CRDs with this release.'),
        keep: bool('Keep the CRDs (and all custom resources) on helm uninstall.'),
      }),
      operator: obj('The operator (controllers, HTTP API, web UI).', {
        image: image('operator'),
        imagePullSecrets: pullSecrets,
        replicas: int('Replicas (one leader reconciles, all serve the UI).', 1, 10),
        leaderElection: obj('Leader election.', {
          leaseName: str('Lease name; empty: "<fullname>-operator".', {
            pattern: emptyOr(OBJECT_NAME),
          }),
        }),
        watchAllNamespaces: bool(
          'Watch every namespace (ClusterRole) instead of the release namespace.',
        ),
        logLevel: {
          enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'],
          description: 'pino log level.',
        },
        concurrency: int('Reconciles running at once.', 1, 64),
        nodeOptions: str('Node.js flags for the operator (NODE_OPTIONS), e.g. V8 heap caps.', {
          // Space-separated --flags, so a typo fails at install time, not as a crash loop.
          pattern: '^$|^--[a-z][-a-z0-9]*(=[^ ]+)?( --[a-z][-a-z0-9]*(=[^ ]+)?)*$',
        }),
        secureCookies: bool('Session cookies only over HTTPS (and http://localhost).'),
        defaultPhoneRegion: str(
          'Country (ISO 3166-1 alpha-2, e.g. "DE") national phone numbers typed without a country code belong to; empty: only numbers with a country code.',
          { pattern: '^([A-Z]{2})?$' },
        ),
        extraEnv: { type: 'array', description: 'Extra environment variables.', items: envVar },
        resources: resources('Requests and limits of the operator container.'),
        podDisruptionBudget: obj('PodDisruptionBudget of the operator.', {
          enabled: bool('Create it.'),
          minAvailable: {
            type: ['integer', 'string'],
            description: 'Replicas that stay up: a number or a percentage ("50%").',
            minimum: 0,
            pattern: '^[0-9]+%$',
          },
        }),
        serviceAccount: obj("The operator's ServiceAccount.", {
          create: bool('Create it (with its RBAC).'),
          name: str('Its name; empty: "<fullname>-operator".', { pattern: emptyOr(OBJECT_NAME) }),
          annotations: stringMap('Annotations on it (e.g. cloud workload identity).'),
        }),
        service: obj('The Service of the web UI and API.', {
          type: serviceType,
          port: int('Its port.', 1, 65535),
          annotations: stringMap('Annotations on it.'),
        }),
        ...scheduling,
        topologySpreadConstraints: passthrough('array', 'topologySpreadConstraints of the pods.'),
      }),
      ingress: obj('An Ingress for the web UI.', {
        enabled: bool('Create it.'),
        className: str('ingressClassName; empty: the cluster default.'),
        annotations: stringMap('Annotations on it.'),
        host: str('The host name.', {
          pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
          maxLength: 253,
        }),
        tlsSecretName: str('kubernetes.io/tls Secret for the host; empty: no TLS.', {
          pattern: emptyOr(OBJECT_NAME),
        }),
      }),
      asterisk: obj('The Asterisk workload.', {
        enabled: bool('Run Asterisk from this chart.'),
        image: image('Asterisk'),
        imagePullSecrets: pullSecrets,
        uid: int('The user the image runs as (asterisk/Dockerfile: 10000).', 1, 2147483647),
        gid: int('Its group; also the fsGroup of the generated files.', 1, 2147483647),
        ami: obj('The AMI user.', {
          username: str('AMI user name (its password is generated).', {
            pattern: '^[A-Za-z0-9_-]{1,32}$',
          }),
          readOnlyUsername: str(
            'The read-only AMI user for replicas that are not the leader (its password is generated).',
            { pattern: '^[A-Za-z0-9_-]{1,32}$' },
          ),
          rotation: {
            type: ['string', 'integer'],
            description:
              'A new value (e.g. a date) generates a new AMI password at this upgrade; the operator moves to it without an outage.',
            maxLength: 63,
          },
        }),
        terminationGracePeriodSeconds: int('How long calls may take to end on stop.', 0, 86400),
        logSizeLimit: { ...quantity, description: 'Size limit of the log emptyDir.' },
        resources: resources('Requests and limits of the Asterisk container.'),
        spoolShipper: obj(
          "The queue log spool's shipper, a native sidecar beside Asterisk (only with call history).",
          {
            image: obj("Its image; all empty: the operator's (operator.image).", {
              repository: str("Image repository, without tag; empty: the operator's.", {
                pattern: emptyOr('^[^\\s:@]+(:[0-9]+)?(/[^\\s:@]+)*$'),
              }),
              tag: str("Image tag; empty: the chart's appVersion.", {
                pattern: emptyOr('^[\\w][\\w.-]{0,127}$'),
              }),
              digest: str('Image digest; when set it is used instead of the tag.', {
                pattern: emptyOr('^sha256:[a-f0-9]{64}$'),
              }),
            }),
            healthPort: {
              ...int("Port of its /healthz and /metrics (not one of Asterisk's).", 1024, 65535),
              not: { enum: [5038, 5060, 5061, 8088, 8089] },
            },
            resources: resources('Requests and limits of the spool shipper container.'),
          },
        ),
        hostNetwork: bool(
          "Use the node's network (explicit opt-in: breaks Pod Security restricted and NetworkPolicy).",
        ),
        service: obj('The Service of ws, wss and SIP.', {
          type: serviceType,
          annotations: stringMap('Annotations on it.'),
          sip: bool('Offer SIP on 5060 UDP and TCP.'),
        }),
        ...scheduling,
      }),
      webrtcConfig: webrtcConfigSchema(),
      history: historySchema(),
      recordings: obj('Call recording files (a volume Asterisk and the operator share).', {
        enabled: bool('Record into a volume and serve recordings to admins (needs history).'),
        persistence: obj('The recordings volume.', {
          existingClaim: str('A PersistentVolumeClaim to use; empty: the chart creates one.', {
            pattern: emptyOr(OBJECT_NAME),
          }),
          size: { ...quantity, description: 'Size of the created claim.' },
          storageClassName: str('StorageClass; empty: the default.', {
            pattern: emptyOr(OBJECT_NAME),
          }),
          accessModes: {
            type: 'array',
            description: 'Access modes of the created claim (ReadWriteMany recommended).',
            minItems: 1,
            items: { enum: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'] },
          },
          annotations: stringMap('Annotations on the created claim.'),
        }),
      }),
      tests: obj('`helm test` Pods (templates/tests/).', {
        enabled: bool('Ship the chart tests.'),
        networkPolicyEnforced: bool(
          'Also check that Pods other than the operator cannot reach AMI (needs a network plugin that enforces NetworkPolicy).',
        ),
      }),
      grafana: obj('Grafana.', {
        dashboard: obj(
          "A ConfigMap holding the call center's Grafana dashboard, for Grafana's dashboard sidecar.",
          {
            enabled: bool('Ship the dashboard ConfigMap.'),
            labels: stringMap(
              'Labels the sidecar looks for (its `label` and `labelValue`); default grafana_dashboard: "1".',
            ),
            annotations: stringMap("Annotations, e.g. the sidecar's folder annotation."),
            namespace: str(
              "Where the ConfigMap goes (the sidecar's namespace); empty: the release's.",
              {
                pattern: emptyOr(DNS_LABEL),
              },
            ),
          },
        ),
      }),
      networkPolicy: obj('NetworkPolicy of Asterisk.', {
        enabled: bool('Admit only the operator to AMI (5038).'),
        sipFrom: {
          type: 'array',
          description:
            "The carriers' address ranges (CIDR) that may send SIP to 5060; empty: from anywhere.",
          items: str('An IPv4 or IPv6 range, e.g. 192.0.2.0/24.', {
            pattern: '^([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9a-fA-F:]+/[0-9]{1,3})$',
          }),
        },
      }),
    }),
  };
}

/** The committed file's text (stable: same input, same bytes). */
export function renderValuesSchema(): string {
  return `${JSON.stringify(valuesSchema(), null, 2)}\n`;
}
