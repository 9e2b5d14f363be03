// The image's entry point: the operator (run-operator.ts), the checks
// `helm test` runs from this same image (`main.mjs chart-test ...`,
// charts/switchboard/templates/tests/), or the queue log spool's shipper
// beside Asterisk (`main.mjs spool-shipper`, history/spool-main.ts). Imported
// lazily, so a check or the shipper loads none of the operator (its
// Kubernetes client, caches, HTTP server): its Pod or container then fits in
// a small memory limit.
if (process.argv[2] === 'chart-test') {
  await (await import('./chart-test/main.ts')).runChartTest(process.argv.slice(3));
} else if (process.argv[2] === 'spool-shipper') {
  await (await import('./history/spool-main.ts')).runSpoolShipper();
} else {
  await import('./run-operator.ts');
}
