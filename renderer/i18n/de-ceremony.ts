/** Die deutschen Texte der Zeremonie-Schritte (Übergabe, Quittung, Beutel-Seriennummern ...), in de.ts eingefügt. */
import type { Catalogue } from './catalogue';
import type { enCeremony } from './en-ceremony';

export const deCeremony: { readonly [K in keyof typeof enCeremony]: Catalogue[K] } = {
  'bag.hint': 'Wie auf dem Beutel gedruckt; Leerzeichen, Striche und Groß-/Kleinschreibung zählen nicht.',
  'bag.reads': 'Vorlesen: {serial}',
  'bag.handoff.shard': 'Seriennummer des Sicherheitsbeutels, in den der Anteil von {name} kommt (leer lassen, wenn er in keinen Beutel kommt)',
  'bag.handoff.drive': 'Seriennummer des Sicherheitsbeutels, in den das Laufwerk von {name} kommt (leer lassen, wenn es in keinen Beutel kommt)',
  'bag.handoff.token': 'Seriennummer des Sicherheitsbeutels, in den der Token von {name} kommt (leer lassen, wenn er in keinen Beutel kommt)',
  'bag.receipt': 'Seriennummer des versiegelten Beutels, wie sie darauf steht',
  'bag.recovery': 'Seriennummer des Beutels, vor dem Öffnen vorgelesen (leer, wenn kein Beutel)',

  'handoff.title': 'Wer erhält als Nächstes einen Anteil?',
  'handoff.lead': 'Ein Verwahrer nach dem anderen. Jeder erhält seinen Anteil und weist nach, dass er ihn hat, bevor der nächste beginnt. {done} von {total} erledigt.',
  'handoff.holds': ' · hat den Anteil',
  'handoff.choose': 'An {name} übergeben',
  'handoff.reveal.title': 'Übergabe an {name}',
  'handoff.reveal.lookAway': 'Alle außer {name}: Bitte schauen Sie jetzt vom Bildschirm weg.',
  'handoff.reveal.text':
    '{name}: Drücken Sie die Schaltfläche, wenn nur Sie den Bildschirm sehen. Ihr Anteil erscheint als Wörter und als QR-Code. Die Zeugen beobachten Sie, nicht den Bildschirm.',
  'handoff.reveal.textPaper':
    '{name}: Drücken Sie die Schaltfläche, wenn nur Sie den Bildschirm sehen. Ihr Anteil erscheint als Wörter und als QR-Code, und Sie drucken Ihre Papiersicherung. Die Zeugen beobachten Sie, nicht den Bildschirm.',
  'handoff.reveal.failed': 'Der Anteil wurde nicht übergeben',
  'handoff.reveal.button': 'Anteil von {name} zeigen',
  'handoff.back': 'Jemand anderen wählen',
  'handoff.usb.title': 'Übergabe an {name}: USB-Laufwerk',
  'handoff.usb.lead':
    'keyshard verschlüsselt den Anteil von {name} mit dem {protection}-Schlüssel, schreibt die Datei auf das Laufwerk und liest sie zurück. Nichts Geheimes erscheint auf dem Bildschirm.',
  'handoff.usb.failed': 'Die Anteilsdatei wurde nicht geschrieben',
  'handoff.usb.writing': 'Wird geschrieben…',
  'handoff.usb.button': 'Verschlüsselte Anteilsdatei von {name} schreiben',
  'handoff.token.title': 'Übergabe an {name}: HSM-Token',
  'handoff.token.lead':
    'Stecken Sie den Token {token} von {name} ein. {name} gibt die PIN des Tokens ein; keyshard speichert den Anteil auf dem Token und liest ihn zurück. Nichts Geheimes erscheint auf dem Bildschirm.',
  'handoff.token.progress': 'Der Anteil wird auf dem Token gespeichert… und zurückgelesen… (Token eingesteckt lassen)',
  'handoff.token.storing': 'Wird auf dem Token gespeichert…',
  'handoff.token.button': 'Anteil auf dem Token von {name} speichern',
  'handoff.token.failed': 'Der Anteil wurde nicht auf dem Token gespeichert',
  'handoff.token.nothing': 'Nichts wurde übergeben: {name} wartet noch auf den eigenen Anteil.',

  'receipt.done': '✓ Quittung erfasst: {name} hat den Anteil erhalten und unterschreibt die Quittungszeile auf dem Papier.',
  'receipt.doneBag': '✓ Quittung erfasst: {name} hat den Anteil in Beutel {bag} versiegelt und unterschreibt die Quittungszeile auf dem Papier.',
  'receipt.title': 'Quittung: {name} versiegelt den Anteil',
  'receipt.text': '{name} nimmt den Anteil und unterschreibt die Quittungszeile auf dem Papier; ein Zeuge sieht zu.',
  'receipt.textBag':
    '{name} legt den Anteil in Beutel {bag} und versiegelt ihn; ein Zeuge sieht zu. Lesen Sie die Seriennummer vom versiegelten Beutel vor und geben Sie sie ein; dann unterschreibt {name} die Quittungszeile auf dem Papier.',
  'receipt.failed': 'Die Quittung wurde nicht erfasst',
  'receipt.button': 'Quittung von {name} erfassen',
};
