// The CI-sized run of test/fuzz/ipc.fuzz.ts (its own case count; FUZZ_RUNS overrides it, as `npm run fuzz` does).
import '../fuzz/ipc.fuzz';
