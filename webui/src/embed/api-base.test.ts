import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiBaseFrom } from './api-base.ts';

test('the API is where the script came from', () => {
  assert.equal(
    apiBaseFrom('https://calls.ministry.example/embed/call-button.js?v=1'),
    'https://calls.ministry.example',
  );
  assert.equal(apiBaseFrom('http://127.0.0.1:8080/embed/call-button.js'), 'http://127.0.0.1:8080');
});

test('an api attribute wins; junk falls back; nothing known means this page', () => {
  assert.equal(
    apiBaseFrom('https://a.example/embed/call-button.js', 'https://b.example/'),
    'https://b.example',
  );
  assert.equal(apiBaseFrom('https://a.example/x.js', 'not a url'), 'https://a.example');
  assert.equal(apiBaseFrom('https://a.example/x.js', 'javascript:alert(1)'), 'https://a.example');
  assert.equal(apiBaseFrom(undefined), '');
  assert.equal(apiBaseFrom(''), '');
});
