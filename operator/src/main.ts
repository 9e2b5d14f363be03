// The image's entry point: the operator (run-operator.ts), or the checks
// `helm test` runs from this same image (`main.mjs chart-test ...`,
// charts/switchboard/templates/tests/). Imported lazily, so a check loads
// none of the operator (its Kubernetes client, caches, HTTP server): a test
// Pod then fits in a small memory limit.
if (process.argv[2] === 'chart-test') {
  await (await import('./chart-test/main.ts')).runChartTest(process.argv.slice(3));
} else {
  await import('./run-operator.ts');
}
