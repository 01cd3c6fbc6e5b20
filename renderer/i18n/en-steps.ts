/**
 * Step names as the step list beside every ceremony screen shows them, by step id: 'step.<id>' where every kind uses
 * the same name, 'step.<kind>.<id>' where a kind names the step its own way. The English is core's catalogue's
 * (core/ceremony-kinds: step.screen); test/renderer/step-labels.test.ts keeps the two equal. Spread into en.ts.
 */
export const enSteps = {
  'step.devices': 'Devices',
  'step.witness-keys': 'Witness keys',
  'step.plan': 'Start',
  'step.airgap': 'Air-gap check',
  'step.entropy': 'Entropy',
  'step.generate': 'Generate',
  'step.import': 'Import',
  'step.split': 'Split',
  'step.handoff': 'Handoff & confirm',
  'step.receipt': 'Receipt & bag',
  'step.test-recovery': 'Test recovery',
  'step.destroy': 'Destroy',
  'step.seal': 'Seal',
  'step.quorum': 'Quorum shares',
  'step.refresh.destroy': 'Wipe',
  'step.refresh.refresh': 'New shares',
  'step.repair.destroy': 'Wipe',
  'step.repair.repair': 'Repair',
  'step.extend.destroy': 'Wipe',
  'step.extend.extend': 'New shares',
  'step.signing.plan': 'Message',
  'step.signing.commit': 'Commitments',
  'step.signing.request': 'Request',
  'step.signing.sign-share': 'Signature shares',
  'step.signing.aggregate': 'Signature',
  'step.custody-check.witness-keys': 'Witness key',
  'step.custody-check.plan': 'Key ceremony',
  'step.custody-check.check': 'Check the shard',
  'step.quorum-drill.plan': 'Key ceremony',
  'step.quorum-drill.drill': 'Rebuild and compare',
} as const;
