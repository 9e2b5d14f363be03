import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forbiddenText, navFor, resolveRoute } from './routes.ts';

describe('web UI routes', () => {
  it('sends strangers to sign in and signed-in users home', () => {
    assert.deepEqual(resolveRoute('/dashboard/hr', undefined), { redirect: '/login' });
    assert.deepEqual(resolveRoute('/login', undefined), { view: 'login' });
    assert.deepEqual(resolveRoute('/login', 'admin'), { redirect: '/dashboard/hr' });
    assert.deepEqual(resolveRoute('/', 'agent'), { redirect: '/dashboard/webrtc-setup' });
  });

  it('keeps agents to the softphone', () => {
    assert.deepEqual(resolveRoute('/dashboard/webrtc-setup', 'agent'), { view: 'softphone' });
    for (const path of [
      '/dashboard/hr',
      '/dashboard/settings',
      '/dashboard/call-dialer',
      '/dashboard/monitor',
    ])
      assert.deepEqual(resolveRoute(path, 'agent'), { view: 'forbidden' }, path);
    assert.deepEqual(
      navFor('agent').map((l) => l.href),
      ['/dashboard/webrtc-setup'],
    );
  });

  it('gives a supervisor the wallboard and its softphone, nothing of the admin’s', () => {
    assert.deepEqual(resolveRoute('/', 'supervisor'), { redirect: '/dashboard/monitor' });
    assert.deepEqual(resolveRoute('/dashboard/monitor', 'supervisor'), { view: 'monitor' });
    assert.deepEqual(resolveRoute('/dashboard/webrtc-setup', 'supervisor'), { view: 'softphone' });
    for (const path of ['/dashboard/hr', '/dashboard/settings', '/dashboard/call-dialer'])
      assert.deepEqual(resolveRoute(path, 'supervisor'), { view: 'forbidden' }, path);
    assert.deepEqual(
      navFor('supervisor').map((l) => l.href),
      ['/dashboard/monitor', '/dashboard/webrtc-setup'],
    );
    assert.equal(forbiddenText('/dashboard/hr'), 'This page is for administrators only.');
    assert.equal(
      forbiddenText('/dashboard/monitor/'),
      'This page is for administrators and supervisors only.',
    );
  });

  it('gives the admin every page and a 404 for others', () => {
    assert.deepEqual(resolveRoute('/dashboard/hr/', 'admin'), { view: 'hr' });
    assert.deepEqual(resolveRoute('/dashboard/call-dialer', 'admin'), { view: 'dialer' });
    assert.deepEqual(resolveRoute('/dashboard/monitor', 'admin'), { view: 'monitor' });
    assert.ok(navFor('admin').some((l) => l.href === '/dashboard/monitor'));
    assert.deepEqual(resolveRoute('/dashboard/nope', 'admin'), { view: 'not-found' });
  });
});
