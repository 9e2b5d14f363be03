import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DRAIN_CONTEXT, isDrainEvent, PRESTOP_COMMAND } from './drain.ts';

describe('drain', () => {
  it('knows the preStop hook’s UserEvent and nothing else', () => {
    assert.equal(
      isDrainEvent({ event: 'UserEvent', fields: { userevent: 'SwitchboardDraining' } }),
      true,
    );
    assert.equal(
      isDrainEvent({ event: 'UserEvent', fields: { userevent: 'SwitchboardSupervise' } }),
      false,
    );
    assert.equal(isDrainEvent({ event: 'FullyBooted', fields: {} }), false);
  });

  it('marks the drain before it asks for the stop, and holds SIGTERM until Asterisk is gone', () => {
    const lines = PRESTOP_COMMAND.split('\n');
    assert.match(lines[0] ?? '', new RegExp(`Local/start@${DRAIN_CONTEXT}`));
    assert.match(lines[1] ?? '', /core stop when convenient.*&$/);
    assert.equal(lines[2], 'while kill -0 1 2>/dev/null; do sleep 1; done');
  });
});
