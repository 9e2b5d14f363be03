import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { find, load, render, spec } from './fixtures.ts';
import { optionValue } from './parse.ts';
import { stunAddress } from './rtp.ts';

describe('rtp.conf', () => {
  it('carries the port range and ICE from the WebRTCConfig', () => {
    const objects = render([], {
      config: spec({
        rtp: { portStart: 30000, portEnd: 30999 },
        iceServers: { stunUrls: ['stuns:secure.example.org', 'stun:stun.example.org:3478'] },
      }),
    });
    const general = find(load(objects, 'rtp.conf'), 'general');
    assert.equal(optionValue(general, 'rtpstart'), '30000');
    assert.equal(optionValue(general, 'rtpend'), '30999');
    assert.equal(optionValue(general, 'icesupport'), 'yes');
    assert.equal(optionValue(general, 'stunaddr'), 'stun.example.org:3478');
  });

  it('takes the first plain STUN URL only', () => {
    assert.equal(stunAddress(['stun:a.example.org', 'stun:b.example.org']), 'a.example.org');
    assert.equal(stunAddress(['stuns:a.example.org:5349']), undefined);
    assert.equal(stunAddress(undefined), undefined);
  });
});
