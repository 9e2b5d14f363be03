// The node tests' tiny workload image: one static binary, no dependencies.
module switchboard.dev/tools/node/probe

go 1.26.0
