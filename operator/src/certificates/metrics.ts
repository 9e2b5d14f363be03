// The served certificate in Prometheus, per namespace (one Asterisk each):
// when it expires, and whether that is within the warning days. An alert on
// `switchboard_certificate_expiring == 1` fires before browsers refuse wss.
import { gauge } from '../kube/metric.ts';

const notAfter = gauge({
  name: 'switchboard_certificate_not_after_timestamp_seconds',
  help: 'Expiry (Unix seconds) of the certificate Asterisk serves for wss and DTLS.',
  labelNames: ['namespace'],
});
const expiring = gauge({
  name: 'switchboard_certificate_expiring',
  help: '1 while the certificate Asterisk serves expires within the warning days (or has expired), else 0.',
  labelNames: ['namespace'],
});

export function reportCertificate(
  namespace: string,
  served: { readonly notAfter: string } | undefined,
  isExpiring: boolean,
): void {
  if (!served) {
    forgetCertificate(namespace);
    return;
  }
  notAfter.set({ namespace }, Date.parse(served.notAfter) / 1000);
  expiring.set({ namespace }, isExpiring ? 1 : 0);
}

/** No certificate configured (or the namespace gone): no series rather than a stale one. */
export function forgetCertificate(namespace: string): void {
  notAfter.remove({ namespace });
  expiring.remove({ namespace });
}
