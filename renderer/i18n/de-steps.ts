/** Die Schrittnamen der Schrittliste (en-steps.ts); die der Schlüsselzeremonie wie in core/ceremony-kinds/key-ceremony-de.ts. */
import type { Catalogue } from './catalogue';
import type { enSteps } from './en-steps';

export const deSteps: { readonly [K in keyof typeof enSteps]: Catalogue[K] } = {
  'step.devices': 'Geräte',
  'step.witness-keys': 'Zeugenschlüssel',
  'step.plan': 'Start',
  'step.airgap': 'Air-Gap-Prüfung',
  'step.entropy': 'Entropie',
  'step.generate': 'Erzeugen',
  'step.import': 'Importieren',
  'step.split': 'Aufteilen',
  'step.handoff': 'Übergabe und Bestätigung',
  'step.receipt': 'Empfang & Beutel',
  'step.test-recovery': 'Test-Wiederherstellung',
  'step.destroy': 'Vernichten',
  'step.seal': 'Versiegeln',
  'step.quorum': 'Quorum-Anteile',
  'step.refresh.destroy': 'Löschen',
  'step.refresh.refresh': 'Neue Anteile',
  'step.repair.destroy': 'Löschen',
  'step.repair.repair': 'Reparieren',
  'step.extend.destroy': 'Löschen',
  'step.extend.extend': 'Neue Anteile',
  'step.signing.plan': 'Nachricht',
  'step.signing.commit': 'Commitments sammeln',
  'step.signing.request': 'Anfrage',
  'step.signing.sign-share': 'Signaturanteile',
  'step.signing.aggregate': 'Signatur',
  'step.custody-check.witness-keys': 'Zeugenschlüssel',
  // A soft hyphen: the bold current step is wider than the step list's column at 1366x768.
  'step.custody-check.plan': 'Schlüssel\u00ADzeremonie',
  'step.custody-check.check': 'Anteil prüfen',
  'step.quorum-drill.plan': 'Schlüssel\u00ADzeremonie',
  'step.quorum-drill.drill': 'Wiederherstellen und vergleichen',
};
