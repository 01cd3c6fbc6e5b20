/**
 * Every English string the screens and printed pages show, by key: the source of the catalogue (catalogue.ts).
 * Keys start with the screen or part they belong to. "{name}" is a parameter; { one, other } is a plural on {count}.
 */
export const en = {
  // The shell around every screen
  'shell.skip': 'Skip to the screen',
  'shell.home': 'Start screen',

  // Start screen
  'start.purpose': 'Offline key ceremonies: split a key among custodians, recover it, verify the record',
  'start.title': 'What do you want to do?',
  'start.lead': 'Choose one. Use Tab to move between the choices and Enter to open one.',
  'start.new.title': 'New ceremony',
  'start.new.text': 'Plan who holds the shares and who watches, then make and split the key.',
  'start.resume.title': 'Resume a ceremony',
  'start.resume.text': 'Continue an interrupted ceremony from its transcript file.',
  'start.recover.title': 'Recover a key',
  'start.recover.text': "Scan the custodians' shards and recover the key.",
  'start.verify.title': 'Verify a transcript',
  'start.verify.text': 'Check that a ceremony record is complete, unchanged and signed.',
  'start.language': 'Language',
  'start.language.note': 'Screens and paper in this language; the ceremony transcript records it.',

  // About this build (start screen)
  'about.summary': 'About this build',
  'about.asking': 'Asking the app…',
  'about.none': 'The app did not say which build this is. Do not run a ceremony with it until it does.',
  'about.version':
    'keyshard {version} ({platform}, {arch}). Read these hashes aloud and compare them with the published ones for this version; every ceremony transcript records them too.',
  'about.renderer': 'Screens (renderer bundle) SHA-256',
  'about.main': 'Main process (main bundle) SHA-256',
  'about.noBuild':
    'Development build, no hash: this copy runs from sources, so there is nothing to compare. Use a built release for a real ceremony.',

  // A screen that does not exist
  'notFound.purpose': 'This screen does not exist',
  'notFound.title': 'There is no screen here',
  'notFound.text': 'keyshard has no screen called {path}. Nothing was changed.',
  'notFound.home': 'Go to the start screen',
} as const;
