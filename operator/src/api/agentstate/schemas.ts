// The body of PUT /softphone/state and PUT /hr/users/:id/state. Whether a
// pause reason is one the WebRTCConfig lists is checked by the route (it
// depends on the namespace's settings, not on the shape).
import type { JSONSchemaProps } from '../../crds/schema-types.ts';
import { compileValidator } from '../../schema/validators.ts';

export interface StateBody {
  presence: 'available' | 'paused' | 'signed-out';
  reason?: string;
}

const stateSchema: JSONSchemaProps = {
  type: 'object',
  required: ['presence'],
  properties: {
    presence: {
      type: 'string',
      description: 'available (take queue calls), paused (stay signed in, no calls) or signed-out.',
      enum: ['available', 'paused', 'signed-out'],
    },
    reason: {
      type: 'string',
      description: "Why paused: one of the WebRTCConfig's spec.agentStates.pauseReasons.",
      minLength: 1,
      maxLength: 32,
    },
  },
};

export const validateStateBody = compileValidator<StateBody>(stateSchema);
