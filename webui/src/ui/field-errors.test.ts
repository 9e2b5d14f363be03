import assert from 'node:assert/strict';
import { it } from 'node:test';
import { errorsByField } from './field-errors.ts';

it('puts API field errors under their form field, the rest on the form', () => {
  const m = errorsByField(
    [
      { field: 'iceServers.stunUrls[1]', message: 'has the wrong format' },
      { field: 'iceServers.turnServers[0]', message: 'needs one source' },
      { field: 'name', message: 'is required' },
      { field: 'shoeSize', message: 'unknown field' },
    ],
    ['name', 'iceServers'],
  );
  assert.equal(m.get('iceServers'), 'has the wrong format; needs one source');
  assert.equal(m.get('name'), 'is required');
  assert.equal(m.get('(form)'), 'shoeSize: unknown field');
});
