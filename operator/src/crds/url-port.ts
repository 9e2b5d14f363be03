// The port of a URL field must be a number from 1 to 65535. The string
// patterns only say where a port goes; this CEL rule (evaluated by the API
// server at apply time and by the HTTP API's ajv alike) says which ports
// exist, with a message that names the field. Regular expressions, not
// url(): stun:/turn: URIs have no "//" and Kubernetes' url() reads only
// hierarchical URLs.
import type { CelRule } from './schema-types.ts';

/** 1–65535, leading zeros allowed as URL parsers allow them. */
const PORT =
  '0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
/** What follows the last ":" of the host part when it is a port (not an IPv6 group, not userinfo). */
const PORTISH = '[^/?#:@\\]]*';

/**
 * A rule for a URL whose host part matches `host` (up to the port's ":")
 * and whose rest matches `rest`, both RE2 without anchors.
 */
export function urlPortRule(host: string, rest: string): CelRule {
  return {
    // Raw strings (r'…'): RE2 backslashes reach the regex untouched.
    rule: `!self.matches(r'^${host}:${PORTISH}${rest}$') || self.matches(r'^${host}:${PORT}${rest}$')`,
    message: 'the port must be a number from 1 to 65535',
  };
}
