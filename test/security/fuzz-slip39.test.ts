// The CI-sized run of test/fuzz/slip39.fuzz.ts (its own case count; FUZZ_RUNS overrides it, as `npm run fuzz` does).
import '../fuzz/slip39.fuzz';
