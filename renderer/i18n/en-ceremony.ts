/**
 * The ceremony stages' English strings (handoff, receipt, bag serials ...), spread into en.ts: one catalogue, kept in
 * a module of its own so the stages' words are found together. Keys start with the stage or part.
 */
export const enCeremony = {
  // A tamper-evident bag's serial (handoff, receipt, recovery)
  'bag.hint': 'Letters and digits as printed on the bag; spaces, dashes and case do not matter.',
  'bag.reads': 'Read aloud: {serial}',
  'bag.handoff.shard': "Serial of the tamper-evident bag {name}'s shard goes into (leave empty if it goes in no bag)",
  'bag.handoff.drive': "Serial of the tamper-evident bag {name}'s drive goes into (leave empty if it goes in no bag)",
  'bag.handoff.token': "Serial of the tamper-evident bag {name}'s token goes into (leave empty if it goes in no bag)",
  'bag.receipt': 'Serial of the sealed bag, as read off it',
  'bag.recovery': "Serial of the shard's bag, read aloud before it is opened (leave empty if it was in no bag)",

  // Handoffs
  'handoff.title': 'Who receives their shard next?',
  'handoff.lead': 'One custodian at a time. Each receives their shard and proves they hold it before the next one starts. {done} of {total} done.',
  'handoff.holds': ' · holds their shard',
  'handoff.choose': 'Hand over to {name}',
  'handoff.reveal.title': 'Handoff to {name}',
  'handoff.reveal.lookAway': 'Everyone except {name}: please look away from the screen now.',
  'handoff.reveal.text': '{name}: when only you can see the screen, press the button. Your shard appears as words and as a QR code. Witnesses watch you, not the screen.',
  'handoff.reveal.textPaper':
    '{name}: when only you can see the screen, press the button. Your shard appears as words and as a QR code, and you print your paper backup. Witnesses watch you, not the screen.',
  'handoff.reveal.failed': 'The shard was not handed over',
  'handoff.reveal.button': "Show {name}'s shard",
  'handoff.back': 'Choose someone else',
  'handoff.usb.title': 'Handoff to {name}: USB drive',
  'handoff.usb.lead': "keyshard encrypts {name}'s shard to their {protection} key, writes the file to their drive and reads it back. Nothing secret appears on screen.",
  'handoff.usb.failed': 'The shard file was not written',
  'handoff.usb.writing': 'Writing…',
  'handoff.usb.button': "Write {name}'s encrypted shard file",
  'handoff.token.title': 'Handoff to {name}: HSM token',
  'handoff.token.lead': "Plug in {name}'s token {token}. {name} types the token's PIN; keyshard stores the shard on the token and reads it back. Nothing secret appears on screen.",
  'handoff.token.progress': 'Storing the shard on the token… reading it back… (keep the token plugged in)',
  'handoff.token.storing': 'Storing on the token…',
  'handoff.token.button': "Store the shard on {name}'s token",
  'handoff.token.failed': 'The shard was not stored on the token',
  'handoff.token.nothing': 'Nothing was handed over: {name} is still waiting for their shard.',

  // The custodian's receipt
  'receipt.done': '✓ Receipt recorded: {name} received their shard and signs the receipt line of their paper.',
  'receipt.doneBag': '✓ Receipt recorded: {name} sealed their shard in bag {bag} and signs the receipt line of their paper.',
  'receipt.title': 'Receipt: {name} seals their shard',
  'receipt.text': '{name} takes their shard and signs the receipt line of their paper; a witness watches.',
  'receipt.textBag':
    '{name} puts their shard in bag {bag} and seals it; a witness watches. Read the serial off the sealed bag aloud and type it; then {name} signs the receipt line of their paper.',
  'receipt.failed': 'The receipt was not recorded',
  'receipt.button': "Record {name}'s receipt",
} as const;
