import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffCounts, isHeartbeat, isWrite, parseRequestCounts } from './apiserver-requests.ts';

const metrics = (creates: number, statusPuts: number) => `
# HELP apiserver_request_total [STABLE] Counter of apiserver requests
# TYPE apiserver_request_total counter
apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="POST",version="v1"} ${creates}
apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="secrets",scope="resource",subresource="",verb="POST",version="v1"} 2
apiserver_request_total{code="200",component="apiserver",dry_run="",group="switchboard.dev",resource="sipagents",scope="resource",subresource="status",verb="PUT",version="v1alpha1"} ${statusPuts}
apiserver_request_total{code="200",component="apiserver",dry_run="",group="coordination.k8s.io",resource="leases",scope="resource",subresource="",verb="PUT",version="v1"} 1e+01
apiserver_request_duration_seconds_count{verb="POST"} 99
`;

test('sums codes per verb and resource, and diffs two snapshots', () => {
  const a = parseRequestCounts(metrics(5, 1));
  assert.equal(a.get('POST secrets'), 7);
  assert.equal(a.get('PUT sipagents/status'), 1);
  assert.equal(a.get('PUT leases'), 10);
  assert.equal(a.size, 3);
  const d = diffCounts(a, parseRequestCounts(metrics(9, 1)));
  assert.deepEqual([...d], [['POST secrets', 4]]);
});

test('tells writes from reads and Lease renewals from object writes', () => {
  assert.ok(isWrite('PATCH sipagents/status'));
  assert.ok(!isWrite('LIST sipagents'));
  assert.ok(isHeartbeat('PUT leases'));
  assert.ok(isHeartbeat('POST endpoints'));
  assert.ok(!isHeartbeat('PUT secrets'));
});
